// Focused benchmark of ingest_batch alone: 500-event flushes shaped like the Worker's (a mix of
// new and continuing sessions, page views, heartbeats and custom events, raw store on), called
// over direct Postgres connections so only the function (plus one local round trip and the
// parsing of the jsonb argument) is measured. The current function gets the compact wire form
// the Worker sends (toIngestWire); the baseline, which predates it, the object form.
//
// One devstack, three series on the same traffic, interleaved call by call so that all of them
// see the same machine load (2 cores, other jobs running):
// - baseline: bench/baseline/0001_tables.sql + 0002_ingest_batch.sql (the schema and function
//   as first written) in a database of their own;
// - current: a database of its own deployed as every database is (supabase/migrations, then
//   supabase/schemas), with `visitors` out of the supabase_realtime publication: hosted
//   Supabase replicates the publication logically, with no trigger in the writing transaction;
// - current, devstack database: the devstack's own database, so also the local Realtime's
//   change triggers on `visitors`.
// Each series is preceded by SIGHTLINE_BENCH_HISTORY sessions of generated history (default
// 20,000) so indexes are not empty. Besides wall time, the CPU time the Postgres backend spent
// on each call (/proc/<pid>/stat) is reported: it is much less sensitive to the machine's load.
//
//   cd supabase && pnpm exec tsx bench/ingest.ts
//   SIGHTLINE_BENCH_HISTORY=200000 SIGHTLINE_BENCH_RUNS=60 pnpm exec tsx bench/ingest.ts
//
// Trying a change to ingest_batch: SIGHTLINE_BENCH_VARIANT=<dir> adds a fourth series, a
// database deployed like `current` from <dir>/migrations and <dir>/schemas (a copy of
// supabase/migrations and supabase/schemas with the change:
//   mkdir /tmp/variant && cp -r migrations schemas /tmp/variant/), interleaved with the others
// on the same flushes. An
// A/B in one run is the only comparison this shared machine allows (its speed drifts by up to
// 1.8× within an hour). Such a run writes its results to the system's temporary directory,
// not over bench/results.
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deployDatabase, startDevstack } from '@sightline/devstack';
import { toIngestWire, type IngestBatch } from '@sightline/schema';
import { percentile } from '@sightline/test-utils';
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
const VARIANT = process.env.SIGHTLINE_BENCH_VARIANT;
const log = (line: string) => process.stdout.write(line + '\n');

interface Series {
  name: string;
  /** Sends the object form (IngestBatch) instead of the wire form. */
  objectForm: boolean;
  db: pg.Client;
  pid: number;
  wall: number[];
  cpu: number[];
}

function summary(samples: number[]): { p50_ms: number; p95_ms: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => Math.round(percentile(sorted, p) * 10) / 10;
  return { p50_ms: at(50), p95_ms: at(95) };
}

/**
 * CPU time the backend process has used, in ms; null if not readable. /proc/<pid>/schedstat
 * counts nanoseconds on the CPU; /proc/<pid>/stat (user + system) only 10 ms clock ticks.
 */
function backendCpuMs(pid: number): number | null {
  try {
    return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
  } catch {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return (Number(fields[11]) + Number(fields[12])) * 10; // clock ticks of 10 ms
    } catch {
      return null;
    }
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
    // The first version predates the bootstrap and the deploy: its two files, run as they are.
    await admin.query('create database ingest_baseline');
    const baseline = await connect(stack.dbUrl.replace(/\/[^/]*$/, '/ingest_baseline'));
    for (const file of ['0001_tables.sql', '0002_ingest_batch.sql'])
      await baseline.db.query(await readFile(join(BASELINE, file), 'utf8'));
    series.push({ name: 'baseline', objectForm: true, ...baseline, wall: [], cpu: [] });
    const deployed: [string, string][] = [
      ['current', MIGRATIONS],
      ...(VARIANT ? [['variant', join(VARIANT, 'migrations')] as [string, string]] : []),
    ];
    for (const [name, migrationsDir] of deployed) {
      const { db, pid } = await connect(await stack.createDatabase(`ingest_${name}`));
      await deployDatabase(db, { migrationsDir });
      await db.query('alter publication supabase_realtime drop table public.visitors');
      series.push({ name, objectForm: false, db, pid, wall: [], cpu: [] });
    }
    const devstackDb = await connect(stack.dbUrl);
    series.push({
      name: 'current, devstack database',
      objectForm: false,
      ...devstackDb,
      wall: [],
      cpu: [],
    });

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
          { baselineLayout: s.name === 'baseline' },
        );
      }
      await s.db.query('vacuum analyze');
    }
    log(`${series.length} databases ready, ${HISTORY} history sessions each`);

    // Fresh traffic of the last 15 minutes, cut into 500-event flushes as SiteLive sends them:
    // each carries the running totals of the sessions and the visitors it touched.
    // headline: many short sessions (a new session for every ~5 events, 428 sessions and 394
    // visitors per flush: the worst case for the unique-visitor bookkeeping).
    // steady: the same site later, long sessions with a heartbeat every few seconds (most
    // events continue a session already stored; ~30 new sessions per flush).
    const mixes: { name: string; batches: IngestBatch[] }[] = [
      {
        name: 'headline',
        batches: toBatches(
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
        ).filter((b) => b.events.length === 500),
      },
      {
        name: 'steady',
        batches: toBatches(
          generateTraffic({
            siteId: SITE,
            idPrefix: `${SITE}-steady`,
            seed: 10,
            startMs: Date.now() - 900_000,
            spanMs: 900_000,
            visitors: 1_200,
            sessions: 1_800,
            heartbeats: 25,
          }),
          500,
          'ingest-bench-steady',
        ).filter((b) => b.events.length === 500),
      },
    ];
    // The cost of turning the 500-event argument into jsonb, which every call pays before the
    // function runs (PostgREST does the same conversion): measured on its own in the same loop.
    const parse: number[] = [];
    const parseObject: number[] = [];
    const bytes = { wire: [] as number[], object: [] as number[] };
    const measured: Record<string, { series: Series[]; sample: IngestBatch }> = {};
    for (const mix of mixes) {
      const count = Math.min(mix.batches.length, WARMUP + RUNS);
      const mixSeries = series.map((s) => ({ ...s, wall: [] as number[], cpu: [] as number[] }));
      for (let i = 0; i < count; i++) {
        const objectBody = JSON.stringify(mix.batches[i]);
        const body = JSON.stringify(toIngestWire(mix.batches[i]!));
        if (mix.name === 'headline' && i >= WARMUP) {
          bytes.wire.push(body.length);
          bytes.object.push(objectBody.length);
        }
        // Rotate which series goes first, so none always runs right after another's writes.
        for (let k = 0; k < mixSeries.length; k++) {
          const s = mixSeries[(i + k) % mixSeries.length]!;
          const cpu0 = backendCpuMs(s.pid);
          const started = performance.now();
          const { rows } = await s.db.query<{ r: { duplicate: boolean } }>(
            'select public.ingest_batch($1::jsonb) as r',
            [s.objectForm ? objectBody : body],
          );
          const wall = performance.now() - started;
          const cpu1 = backendCpuMs(s.pid);
          if (rows[0]!.r.duplicate) throw new Error(`${s.name}: unexpected duplicate`);
          if (i >= WARMUP) {
            s.wall.push(wall);
            if (cpu0 !== null && cpu1 !== null) s.cpu.push(cpu1 - cpu0);
          }
        }
        if (mix.name === 'headline' && i >= WARMUP) {
          const started = performance.now();
          await series[1]!.db.query('select $1::jsonb is not null', [body]);
          parse.push(performance.now() - started);
          const startedObject = performance.now();
          await series[1]!.db.query('select $1::jsonb is not null', [objectBody]);
          parseObject.push(performance.now() - startedObject);
        }
      }
      measured[mix.name] = { series: mixSeries, sample: mix.batches[WARMUP]! };
    }

    // Every series must end in the same state for the fresh traffic (the generated history is
    // random, so only the rows of the traffic's sessions and visitors are compared).
    const fingerprint = async (db: pg.Client): Promise<string> => {
      // visitor_days as one row per (dimension, value, visitor, day) in either layout: the
      // baseline's, or one row per (visitor, day) with a jsonb of dimension keys.
      const { rows: layout } = await db.query(
        `select 1 from information_schema.columns
         where table_schema = 'public' and table_name = 'visitor_days' and column_name = 'dims'`,
      );
      const visitorDays = layout.length
        ? `select v.site_id, private.dimension_of(k.key) as dimension,
             private.value_of(k.key) as value, v.visitor_id, v.day, k.value::int as hits
           from public.visitor_days v cross join lateral jsonb_each_text(v.dims) k
           -- A page within a country (page@country), which the baseline does not keep.
           where private.dimension_of(k.key) not like 'page@%'`
        : 'select * from public.visitor_days';
      const { rows } = await db.query<{ f: string }>(
        `select md5(string_agg(x, '|' order by x)) as f from (
           select concat_ws(',', 'v', visitor_id, sessions, pageviews, engaged_ms, interactions,
                            max_scroll, last_path, value_score, first_seen, last_seen) as x
             from public.visitors where site_id = $1 and visitor_id like $1 || '-%visitor-%'
           union all
           select concat_ws(',', 'd', dimension, value, visitor_id, day, hits)
             from (${visitorDays}) vd where site_id = $1 and visitor_id like $1 || '-%visitor-%'
           union all
           select concat_ws(',', 's', session_id, pageviews, engaged_ms, exit_path, last_seen, hour)
             from public.sessions where site_id = $1 and session_id like $1 || '-%session-%'
           union all
           select concat_ws(',', 'p', session_id, path, pageviews, engaged_ms, hour)
             from public.session_pages where site_id = $1 and session_id like $1 || '-%session-%'
           union all
           select concat_ws(',', 'e', count(*)) from public.events where site_id = $1) y`,
        [SITE],
      );
      return rows[0]!.f;
    };
    // A variant may keep more (or other) rows on purpose: it is compared on its own.
    const prints = await Promise.all(series.map((s) => fingerprint(s.db)));
    const variantIndex = series.findIndex((s) => s.name === 'variant');
    const sameState = prints.every((p, i) => i === variantIndex || p === prints[0]);
    const variantSameState = variantIndex < 0 ? null : prints[variantIndex] === prints[0];

    const shape = (b: IngestBatch) => ({
      events: b.events.length,
      sessions: b.sessions.length,
      visitors: b.visitors.length,
      events_by_type: b.events.reduce<Record<string, number>>((n, e) => {
        n[e.type] = (n[e.type] ?? 0) + 1;
        return n;
      }, {}),
      store_raw: b.store_raw,
    });
    const resultsOf = (list: Series[]) =>
      Object.fromEntries(
        list.map((s) => [
          s.name,
          {
            wall: summary(s.wall),
            backend_cpu: s.cpu.length === s.wall.length ? summary(s.cpu) : null,
          },
        ]),
      );
    const ratio = (list: Series[]) => {
      const [base, cur] = [list[0]!, list[1]!];
      return {
        wall_p50: Math.round((summary(base.wall).p50_ms / summary(cur.wall).p50_ms) * 10) / 10,
        backend_cpu_p50:
          base.cpu.length && cur.cpu.length
            ? Math.round((summary(base.cpu).p50_ms / Math.max(1, summary(cur.cpu).p50_ms)) * 10) /
              10
            : null,
      };
    };
    // A variant against current on the same flushes: the ratio of the medians, and the median
    // of the per-flush ratios (each flush's two calls ran back to back, so machine drift cancels).
    const versus = (list: Series[]) => {
      const cur = list.find((s) => s.name === 'current')!;
      const variant = list.find((s) => s.name === 'variant')!;
      const r3 = (x: number) => Math.round(x * 1000) / 1000;
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
      return {
        wall_p50: r3(median(cur.wall) / median(variant.wall)),
        backend_cpu_p50:
          cur.cpu.length && variant.cpu.length ? r3(median(cur.cpu) / median(variant.cpu)) : null,
        wall_per_flush_median: r3(median(cur.wall.map((w, i) => w / variant.wall[i]!))),
        backend_cpu_per_flush_median:
          cur.cpu.length && variant.cpu.length
            ? r3(median(cur.cpu.map((c, i) => c / variant.cpu[i]!)))
            : null,
      };
    };
    const headline = measured.headline!;
    const steady = measured.steady!;
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
        'direct Postgres connections (node-postgres, select ingest_batch($1::jsonb)); wall time includes one local round trip and parsing the jsonb argument; backend_cpu is the backend process CPU time per call (/proc/<pid>/schedstat, nanoseconds)',
      history_sessions_per_database: HISTORY,
      // The headline mix (worst case: a new session every ~5 events).
      batch: shape(headline.sample),
      warmup_calls: WARMUP,
      runs: headline.series[0]!.wall.length,
      same_final_state: sameState,
      ...(VARIANT ? { variant_same_final_state: variantSameState } : {}),
      results: resultsOf(headline.series),
      baseline_over_current: ratio(headline.series),
      ...(VARIANT ? { current_over_variant: versus(headline.series) } : {}),
      // What `select $1::jsonb is not null` costs with the same 500-event argument: the part of
      // every wall time above spent before ingest_batch starts.
      argument_to_jsonb: summary(parse),
      // The same for the object form (what the baseline gets), and both forms' sizes.
      argument_to_jsonb_object_form: summary(parseObject),
      argument_bytes: {
        wire: Math.round(bytes.wire.reduce((a, b) => a + b, 0) / bytes.wire.length),
        object_form: Math.round(bytes.object.reduce((a, b) => a + b, 0) / bytes.object.length),
      },
      steady: {
        description:
          'long sessions with frequent heartbeats: most events continue a session already stored',
        batch: shape(steady.sample),
        runs: steady.series[0]!.wall.length,
        results: resultsOf(steady.series),
        baseline_over_current: ratio(steady.series),
        ...(VARIANT ? { current_over_variant: versus(steady.series) } : {}),
      },
    };
    for (const [mix, m] of Object.entries(measured)) {
      const b = shape(m.sample);
      log(
        `${mix}: 500 events (${b.sessions} sessions, ${b.visitors} visitors, ${JSON.stringify(b.events_by_type)}), ${m.series[0]!.wall.length} runs each, interleaved`,
      );
      for (const [name, r] of Object.entries(resultsOf(m.series))) {
        log(
          `  ${name.padEnd(28)} wall p50 ${r.wall.p50_ms} ms  p95 ${r.wall.p95_ms} ms` +
            (r.backend_cpu
              ? `   backend CPU p50 ${r.backend_cpu.p50_ms} ms  p95 ${r.backend_cpu.p95_ms} ms`
              : ''),
        );
      }
    }
    log(
      `argument to jsonb alone: p50 ${result.argument_to_jsonb.p50_ms} ms (wire form, ${result.argument_bytes.wire} B), ` +
        `${result.argument_to_jsonb_object_form.p50_ms} ms (object form, ${result.argument_bytes.object_form} B)`,
    );
    log(`same final state in every database: ${sameState}`);
    if (VARIANT) {
      log(`variant ends in the same state: ${variantSameState}`);
      for (const [mix, m] of Object.entries(measured))
        log(`current / variant, ${mix}: ${JSON.stringify(versus(m.series))}`);
    }
    if (!sameState) process.exitCode = 1;

    const dir = VARIANT ? tmpdir() : RESULTS;
    await mkdir(dir, { recursive: true });
    const file = join(dir, VARIANT ? 'sightline-ingest-batch-variant.json' : 'ingest-batch.json');
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
