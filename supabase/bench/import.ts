// Import speed: a generated Plausible export (imported_pages, 1,000 pages a day) imported into
// a fresh site of a devstack through PostgREST, as `sightline import` does, against a baseline
// measured in the same run: reading the same export without writing it. Median of `runs`.
//   pnpm --filter @sightline/database exec tsx bench/import.ts [rows] [runs]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { startDevstack } from '@sightline/devstack';
import pg from 'pg';
import { readExport, writeZip } from '@sightline/import';
import { importExport } from '../src/import-export.js';
import { MIGRATIONS_DIR } from '../src/paths.js';

const rows = Number(process.argv[2] ?? 100_000);
const runs = Number(process.argv[3] ?? 3);
const day = (i: number) =>
  new Date(Date.UTC(2020, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);

function* pages(): Generator<string> {
  yield '"date","hostname","page","visits","visitors","pageviews","total_time_on_page"\n';
  let chunk = '';
  for (let i = 0; i < rows; i++) {
    const p = i % 1000;
    chunk += `"${day(Math.floor(i / 1000))}","example.com","/section-${p % 37}/page-${p}",${(p % 50) + 2},${(p % 50) + 1},${(p % 90) + 3},${p * 7}\n`;
    if (chunk.length > 64_000) {
      yield chunk;
      chunk = '';
    }
  }
  yield chunk;
}

/** The export, generated while it is read (never whole in memory). */
const exportStream = () =>
  writeZip(
    [
      {
        name: `imported_pages_20200101_${day(Math.ceil(rows / 1000) - 1).replaceAll('-', '')}.csv`,
        data: pages(),
      },
    ],
    { method: 'store' },
  );

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const dataDir = await mkdtemp(join(tmpdir(), 'sightline-import-bench-'));
const stack = await startDevstack({ dataDir, migrationsDir: MIGRATIONS_DIR });
const db = new pg.Client({ connectionString: stack.dbUrl });
await db.connect();
try {
  const read: number[] = [];
  const write: number[] = [];
  let records = 0;
  for (let run = 0; run < runs; run++) {
    let started = performance.now();
    records = 0;
    for await (const _ of readExport(exportStream(), { name: 'bench.zip' })) records++;
    read.push(records / ((performance.now() - started) / 1000));

    const site = `bench${run}`;
    await db.query(
      "insert into public.sites (id, name, domains, timezone) values ($1, 'Bench', '{}', 'UTC')",
      [site],
    );
    started = performance.now();
    const result = await importExport(
      { url: stack.url, apiKey: stack.secretKey },
      { input: exportStream(), name: 'bench.zip', site },
    );
    write.push(result.records / ((performance.now() - started) / 1000));
  }
  const load = (await import('node:os')).loadavg()[0]!.toFixed(1);
  process.stdout.write(
    `${rows} rows → ${records} records, median of ${runs}, load average ${load}:\n` +
      `  read only (baseline)       ${Math.round(median(read))} records/s\n` +
      `  import into the devstack   ${Math.round(median(write))} records/s ` +
      `(${(median(write) / median(read)).toFixed(2)}× the baseline)\n`,
  );
} finally {
  await db.end();
  await stack.stop();
  await rm(dataDir, { recursive: true, force: true });
}
