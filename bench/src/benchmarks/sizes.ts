/**
 * Shipped sizes against their budgets, measured here from the build outputs (turbo builds every
 * dependency before this package's bench): the tracker's script tags (its npm entries are
 * measured as applications bundle them by packages/tracker's own size test), the Worker bundle from
 * `wrangler deploy --dry-run --outdir`, the dashboard's first-load JS (what index.html loads;
 * the lazily loaded map chunks are not in it) and the PostgREST client bundled and minified.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { fromRoot } from '../paths.js';
import type { Row } from '../results.js';
import { sharedIngestBuild } from '../worker-build.js';

const gzip = (data: string | Buffer): number => gzipSync(data, { level: 9 }).byteLength;

async function workerBundle(): Promise<{
  files: Record<string, number>;
  raw: number;
  gzip: number;
}> {
  const build = await sharedIngestBuild();
  const files: Record<string, number> = {};
  let raw = 0;
  let gz = 0;
  for (const [name, data] of Object.entries(build.files)) {
    files[name] = data.byteLength;
    raw += data.byteLength;
    gz += gzip(data);
  }
  return { files, raw, gzip: gz };
}

async function dashboardFirstLoad(): Promise<{ files: Record<string, number>; gzip: number }> {
  const dist = fromRoot('apps/dashboard/dist');
  const html = await readFile(join(dist, 'index.html'), 'utf8');
  const srcs = [
    ...html.matchAll(/<script[^>]*\ssrc="([^"]+\.js)"/g),
    ...html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+\.js)"/g),
  ].map((m) => m[1]!);
  const files: Record<string, number> = {};
  let total = 0;
  for (const src of new Set(srcs)) {
    const size = gzip(await readFile(join(dist, src.replace(/^\//, ''))));
    files[src] = size;
    total += size;
  }
  return { files, gzip: total };
}

async function postgrestClient(): Promise<number> {
  const out = await build({
    entryPoints: [fromRoot('packages/postgrest/src/index.ts')],
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    platform: 'neutral',
    write: false,
    logLevel: 'silent',
  });
  return gzip(out.outputFiles[0]!.text);
}

/** The tracker's own budgets (packages/tracker/size-budgets.json), gzip -9 bytes per script tag. */
async function trackerBudgets(): Promise<Record<'sightline.core.js' | 'sightline.js', number>> {
  const text = await readFile(fromRoot('packages/tracker/size-budgets.json'), 'utf8');
  return (JSON.parse(text) as { budgets: Record<'sightline.core.js' | 'sightline.js', number> })
    .budgets;
}

export async function benchSizes() {
  const budgets = await trackerBudgets();
  const trackerScript = gzip(await readFile(fromRoot('packages/tracker/dist/sightline.js')));
  const trackerCore = gzip(await readFile(fromRoot('packages/tracker/dist/sightline.core.js')));
  const worker = await workerBundle();
  const dashboard = await dashboardFirstLoad();
  const postgrest = await postgrestClient();
  const row = (metric: string, bytes: number, budget: number, how: string): Row => ({
    metric,
    unit: 'bytes gzip',
    median: bytes,
    target: `≤ ${budget.toLocaleString('en-US')} (${how})`,
    pass: bytes <= budget,
  });
  const table: Row[] = [
    row(
      'tracker, core script tag (dist/sightline.core.js, served at /s.core.js)',
      trackerCore,
      budgets['sightline.core.js'],
      'budget',
    ),
    row(
      'tracker, full script tag (dist/sightline.js, served at /s.js)',
      trackerScript,
      budgets['sightline.js'],
      'budget',
    ),
    row('ingest Worker bundle (wrangler deploy --dry-run)', worker.gzip, 100 * 1024, '100 KB'),
    row(
      'dashboard first-load JS (index.html scripts + modulepreloads)',
      dashboard.gzip,
      200 * 1024,
      '200 KB, map chunk excluded',
    ),
    row('@sightline/postgrest (bundled + minified by esbuild)', postgrest, 3_000, 'budget'),
  ];
  return {
    table,
    details: { trackerCore, trackerScript, worker, dashboard, postgrest },
  };
}
