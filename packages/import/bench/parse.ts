/**
 * Rows per second parsed in Node, from memory (generation not timed): a loose Plausible CSV,
 * the same rows in Plausible's zip, and Umami events. The baseline, measured in the same run,
 * is decoding the same bytes and splitting them into lines, what any reader must do at least.
 * Median of `--runs` (5) runs each. Writes bench/results/import/parse.json at the repository root.
 *
 *   pnpm --filter @sightline/import bench [--rows 1000000] [--runs 5]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { readExport } from '../src/index.js';
import { plausiblePages, plausibleZipStream, umamiEvents } from './generate.js';

const { values } = parseArgs({
  options: { rows: { type: 'string', default: '1000000' }, runs: { type: 'string', default: '5' } },
});
const rows = Number(values.rows);
const runs = Number(values.runs);
const encoder = new TextEncoder();

const joined = (parts: Iterable<string>) => encoder.encode([...parts].join(''));
const pagesCsv = joined(plausiblePages(rows));
const umamiCsv = joined(umamiEvents(rows));
const pagesZip = new Uint8Array(await new Response(plausibleZipStream(rows)).arrayBuffer());

async function time(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return (performance.now() - start) / 1000;
}

async function drain(input: Uint8Array, name: string) {
  let n = 0;
  for await (const _ of readExport(input, { name })) n++;
  return n;
}

const cases: Record<string, () => Promise<unknown>> = {
  'baseline: decode + split lines': () =>
    Promise.resolve(new TextDecoder().decode(pagesCsv).split('\n').length),
  'plausible pages, loose CSV': () => drain(pagesCsv, 'imported_pages_20200101_20221130.csv'),
  'plausible pages, zip (stored)': () => drain(pagesZip, 'export.zip'),
  'umami events, CSV': () => drain(umamiCsv, 'website_event.csv'),
};

const results: Record<string, { medianSeconds: number; rowsPerSecond: number }> = {};
for (const [name, fn] of Object.entries(cases)) {
  await fn(); // warm-up
  const seconds: number[] = [];
  for (let i = 0; i < runs; i++) seconds.push(await time(fn));
  seconds.sort((a, b) => a - b);
  const median = seconds[Math.floor(seconds.length / 2)]!;
  results[name] = {
    medianSeconds: Math.round(median * 1000) / 1000,
    rowsPerSecond: Math.round(rows / median),
  };
  console.log(
    `${name.padEnd(34)} ${String(results[name].rowsPerSecond).padStart(10)} rows/s  (median ${results[name].medianSeconds} s)`,
  );
}
const out = new URL('../../../bench/results/import/', import.meta.url);
mkdirSync(out, { recursive: true });
writeFileSync(
  new URL('parse.json', out),
  `${JSON.stringify({ measuredAt: new Date().toISOString(), rows, runs, node: process.version, cpu: cpus()[0]?.model, loadavg: loadavg(), results }, null, 2)}\n`,
);
