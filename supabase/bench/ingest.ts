// Focused benchmark of ingest_batch alone: 500-event flushes shaped like the Worker's (a mix of
// new and continuing sessions, page views, heartbeats and custom events, raw store on), called
// over direct Postgres connections so only the function (plus one local round trip and the
// parsing of the jsonb argument) is measured.
//
// One devstack, three series on the same traffic, interleaved call by call so that all of them
// see the same machine load (2 cores, other jobs running):
// - baseline: bench/baseline/0001_tables.sql + 0002_ingest_batch.sql (the schema and function
//   as first written) in a database of their own;
// - current: migrations/0001_tables.sql + 0002_ingest_batch.sql in a database of their own;
// - current, devstack database: the devstack's own database with every migration applied, so
//   also the local Realtime's change triggers on `visitors` (hosted Supabase uses logical
//   replication instead, no trigger).
// Each series is preceded by SIGHTLINE_BENCH_HISTORY sessions of generated history (default
// 20,000) so indexes are not empty. Besides wall time, the CPU time the Postgres backend spent
// on each call (/proc/<pid>/stat) is reported: it is much less sensitive to the machine's load.
//
//   cd supabase && pnpm exec tsx bench/ingest.ts
//   SIGHTLINE_BENCH_HISTORY=200000 SIGHTLINE_BENCH_RUNS=60 pnpm exec tsx bench/ingest.ts
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDevstack } from '@sightline/devstack';
import type { IngestBatch } from '@sightline/schema';
import pg from 'pg';
import { generateTraffic, toBatches } from '../test/support/traffic.js';
import { generate } from './generate.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const MIGRATIONS = join(HERE, '..', 'migrations');
const BASELINE = join(HERE, 'baseline');
const RESULTS = join(HERE, '..', '..', 'bench', 'results', 'database');
const TZ = 'Europe/Berlin';
const SITE = 'bench';
const HISTORY = Number(process.env.SIGHTLINE_BENCH_HISTORY ?? 20_000);
const WARMUP = 5;
const RUNS = Number(process.env.SIGHTLINE_BENCH_RUNS ?? 40);
const log = (line: string) => process.stdout.write(line + '\n');

interface Series {
  name: string;
  db: pg.Client;
  pid: number;
  wall: number[];
  cpu: number[];
}

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Math.round(sorted[Math.max(0, index)]! * 10) / 10;
}

function summary(samples: number[]): { p50_ms: number; p95_ms: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50_ms: percentile(sorted, 50), p95_ms: percentile(sorted, 95) };
}

/** CPU time (user + system) the backend process has used, in ms; null if not readable. */
function backendCpuMs(pid: number): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10; // clock ticks of 10 ms
  } catch {
    return null;
  }
}

async function connect(url: string): Promise<{ db: pg.Client; pid: number }> {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  const { rows } = await db.query<{ pid: number }>('select pg_backend_pid() as pid');
  return { db, pid: rows[0]!.pid };
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'sightline-ingest-bench-'));
  const stack = await startDevstack({ dataDir, migrationsDir: MIGRATIONS });
  const admin = new pg.Client({ connectionString: stack.dbUrl });
  await admin.connect();
  const series: Series[] = [];
  try {
    const databases: [string, string, string[]][] = [
      [
        'baseline',
        'ingest_baseline',
        [join(BASELINE, '0001_tables.sql'), join(BASELINE, '0002_ingest_batch.sql')],
      ],
      [
        'current',
        'ingest_current',
        [join(MIGRATIONS, '0001_tables.sql'), join(MIGRATIONS, '0002_ingest_batch.sql')],
      ],
    ];
    for (const [name, database, files] of databases) {
      await admin.query(`create database ${database}`);
      const { db, pid } = await connect(stack.dbUrl.replace(/\/[^/]*$/, `/${database}`));
      for (const file of files) await db.query(await readFile(file, 'utf8'));
      series.push({ name, db, pid, wall: [], cpu: [] });
    }
    const devstackDb = await connect(stack.dbUrl);
    series.push({ name: 'current, devstack database', ...devstackDb, wall: [], cpu: [] });

    for (const s of series) {
      await s.db.query(
        `insert into public.sites (id, name, domains, timezone, store_raw) values ($1, 'Bench', '{localhost}', $2, true)`,
        [SITE, TZ],
      );
      if (HISTORY > 0) {
        await generate(
          s.db,
          SITE,
          { sessions: HISTORY, visitors: Math.round(HISTORY * 0.32), days: 90 },
          () => {},
        );
      }
      await s.db.query('vacuum analyze');
    }
    log(`${series.length} databases ready, ${HISTORY} history sessions each`);

    // Fresh traffic of the last 15 minutes, cut into 500-event flushes as SiteLive sends them:
    // each carries the running totals of the sessions and the visitors it touched.
    const batches: IngestBatch[] = toBatches(
      generateTraffic({
        siteId: SITE,
        seed: 9,
        startMs: Date.now() - 900_000,
        spanMs: 900_000,
        visitors: 3_000,
        sessions: 6_000,
      }),
      500,
      'ingest-bench',
    ).filter((b) => b.events.length === 500);
    const count = Math.min(batches.length, WARMUP + RUNS);

    for (let i = 0; i < count; i++) {
      const body = JSON.stringify(batches[i]);
      // Rotate which series goes first, so none always runs right after another's writes.
      for (let k = 0; k < series.length; k++) {
        const s = series[(i + k) % series.length]!;
        const cpu0 = backendCpuMs(s.pid);
        const started = performance.now();
        const { rows } = await s.db.query<{ r: { duplicate: boolean } }>(
          'select public.ingest_batch($1::jsonb) as r',
          [body],
        );
        const wall = performance.now() - started;
        const cpu1 = backendCpuMs(s.pid);
        if (rows[0]!.r.duplicate) throw new Error(`${s.name}: unexpected duplicate`);
        if (i >= WARMUP) {
          s.wall.push(wall);
          if (cpu0 !== null && cpu1 !== null) s.cpu.push(cpu1 - cpu0);
        }
      }
    }

    // Every series must end in the same state for the fresh traffic (the generated history is
    // random, so only the rows of the traffic's sessions and visitors are compared).
    const fingerprint = async (db: pg.Client): Promise<string> => {
      const { rows } = await db.query<{ f: string }>(
        `select md5(string_agg(x, '|' order by x)) as f from (
           select concat_ws(',', 'v', visitor_id, sessions, pageviews, engaged_ms, interactions,
                            max_scroll, last_path, value_score, first_seen, last_seen) as x
             from public.visitors where site_id = $1 and visitor_id like $1 || '-visitor-%'
           union all
           select concat_ws(',', 'd', dimension, value, visitor_id, day, hits)
             from public.visitor_days where site_id = $1 and visitor_id like $1 || '-visitor-%'
           union all
           select concat_ws(',', 's', session_id, pageviews, engaged_ms, exit_path, last_seen, hour)
             from public.sessions where site_id = $1 and session_id like $1 || '-session-%'
           union all
           select concat_ws(',', 'p', session_id, path, pageviews, engaged_ms, hour)
             from public.session_pages where site_id = $1 and session_id like $1 || '-session-%'
           union all
           select concat_ws(',', 'e', count(*)) from public.events where site_id = $1) y`,
        [SITE],
      );
      return rows[0]!.f;
    };
    const prints = await Promise.all(series.map((s) => fingerprint(s.db)));
    const sameState = prints.every((p) => p === prints[0]);

    const sample = batches[WARMUP]!;
    const results = Object.fromEntries(
      series.map((s) => [
        s.name,
        {
          wall: summary(s.wall),
          backend_cpu: s.cpu.length === s.wall.length ? summary(s.cpu) : null,
        },
      ]),
    );
    const result = {
      generated_at: new Date().toISOString(),
      command: 'cd supabase && pnpm exec tsx bench/ingest.ts',
      machine: {
        cpus: cpus().length,
        cpu: cpus()[0]?.model ?? '',
        node: process.version,
        // Other work on the machine slows every wall time down: the 1-minute load average at the end.
        load_average_1m: Math.round(loadavg()[0]! * 10) / 10,
      },
      postgres: (await admin.query<{ v: string }>('select version() as v')).rows[0]!.v,
      measured_through:
        'direct Postgres connections (node-postgres, select ingest_batch($1::jsonb)); wall time includes one local round trip and parsing the jsonb argument; backend_cpu is the backend process CPU time per call (10 ms clock ticks, so single values are coarse; the median over the runs is not)',
      history_sessions_per_database: HISTORY,
      batch: {
        events: sample.events.length,
        sessions: sample.sessions.length,
        visitors: sample.visitors.length,
        store_raw: sample.store_raw,
      },
      warmup_calls: WARMUP,
      runs: series[0]!.wall.length,
      same_final_state: sameState,
      results,
    };
    log(
      `500 events (${result.batch.sessions} sessions, ${result.batch.visitors} visitors), ${result.runs} runs each, interleaved`,
    );
    for (const [name, r] of Object.entries(results)) {
      log(
        `${name.padEnd(28)} wall p50 ${r.wall.p50_ms} ms  p95 ${r.wall.p95_ms} ms` +
          (r.backend_cpu
            ? `   backend CPU p50 ${r.backend_cpu.p50_ms} ms  p95 ${r.backend_cpu.p95_ms} ms`
            : ''),
      );
    }
    log(`same final state in every database: ${sameState}`);
    if (!sameState) process.exitCode = 1;

    await mkdir(RESULTS, { recursive: true });
    const file = join(RESULTS, 'ingest-batch.json');
    await writeFile(file, JSON.stringify(result, null, 2) + '\n');
    log(`wrote ${file}`);
  } finally {
    for (const s of series) await s.db.end();
    await admin.end();
    await stack.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
