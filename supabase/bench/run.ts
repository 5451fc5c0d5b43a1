// The database benchmark: a site with ~10 million events' worth of history (1.25 M sessions of
// ~8 events: page views, heartbeats, custom events), then p50/p95 of every reading RPC through
// PostgREST with a dashboard token (as the dashboard calls them), and of ingest_batch with
// 500-event flushes through PostgREST with the service key (as the Worker calls it).
//
//   pnpm --filter @sightline/database bench
//   SIGHTLINE_BENCH_SESSIONS=100000 pnpm --filter @sightline/database bench   (a quick run)
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDevstack } from '@sightline/devstack';
import pg from 'pg';
import { signDashboardToken } from '../src/token.js';
import { generateTraffic, toBatches } from '../test/support/traffic.js';
import { generate } from './generate.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const MIGRATIONS = join(HERE, '..', 'migrations');
const RESULTS = join(HERE, '..', '..', 'bench', 'results', 'database');
const SITE = 'bench';
const TZ = 'Europe/Berlin';
const SESSIONS = Number(process.env.SIGHTLINE_BENCH_SESSIONS ?? 1_250_000);
const EVENTS_PER_SESSION = 8;
const RUNS = 40;
const log = (line: string) => process.stdout.write(line + '\n');

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Math.round(sorted[Math.max(0, index)]! * 10) / 10;
}

async function time(
  runs: number,
  call: (i: number) => Promise<void>,
): Promise<{ p50: number; p95: number }> {
  for (let i = 0; i < 3; i++) await call(-1 - i); // warm caches and PostgREST's pool
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await call(i);
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p95: percentile(samples, 95) };
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'sightline-db-bench-'));
  const stack = await startDevstack({ dataDir, migrationsDir: MIGRATIONS });
  const db = new pg.Client({ connectionString: stack.dbUrl });
  await db.connect();
  try {
    await db.query(
      `insert into public.sites (id, name, domains, timezone, store_raw) values ($1, 'Bench', '{localhost}', $2, false)`,
      [SITE, TZ],
    );
    log(`generating ${SESSIONS} sessions (~${SESSIONS * EVENTS_PER_SESSION} events) over 90 days`);
    const started = performance.now();
    const generated = await generate(
      db,
      SITE,
      { sessions: SESSIONS, visitors: Math.round(SESSIONS * 0.32), days: 90 },
      log,
    );
    const generationSeconds = Math.round((performance.now() - started) / 1000);

    const token = await signDashboardToken({
      siteIds: [SITE],
      secret: stack.jwtSecret,
      ttlSeconds: 3600,
    });
    const post = async (fn: string, body: object, bearer: string): Promise<void> => {
      const response = await fetch(`${stack.url}/rest/v1/rpc/${fn}`, {
        method: 'POST',
        headers: {
          apikey: stack.anonKey,
          Authorization: `Bearer ${bearer}`,
          'Content-Type': 'application/json',
        },
        body: JSON.stringify(body),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`${fn}: ${response.status} ${text}`);
    };
    // Ranges as the dashboard sends them: whole local days ending with today (computed in
    // local time, so a range across a DST change still starts at local midnight).
    const { rows } = await db.query<{
      tomorrow: Date;
      d1: Date;
      d2: Date;
      d7: Date;
      d30: Date;
      d90: Date;
    }>(
      `select (t + interval '1 day') at time zone $1 as tomorrow, t at time zone $1 as d1,
         (t - interval '1 day') at time zone $1 as d2, (t - interval '6 days') at time zone $1 as d7,
         (t - interval '29 days') at time zone $1 as d30, (t - interval '89 days') at time zone $1 as d90
       from (select date_trunc('day', now() at time zone $1) as t) x`,
      [TZ],
    );
    const r = rows[0]!;
    const days = (from: Date) => ({
      p_site: SITE,
      p_from: from.toISOString(),
      p_to: r.tomorrow.toISOString(),
    });
    const now = Date.now();
    const last24h = {
      p_site: SITE,
      p_from: new Date(now - 86_400_000).toISOString(),
      p_to: new Date(now).toISOString(),
    };

    const cases: [string, string, string, object][] = [
      ['overview, today', 'rollups', 'stats_overview', days(r.d1)],
      ['overview, last 7 days', 'rollups', 'stats_overview', days(r.d7)],
      ['overview, last 30 days', 'rollups', 'stats_overview', days(r.d30)],
      ['overview, last 90 days', 'rollups', 'stats_overview', days(r.d90)],
      [
        'overview, last 30 days, country filter',
        'rollups',
        'stats_overview',
        { ...days(r.d30), p_filters: { country: 'C1' } },
      ],
      [
        'overview, last 30 days, page filter',
        'rollups',
        'stats_overview',
        { ...days(r.d30), p_filters: { page: '/p/3' } },
      ],
      ['overview, last 24 hours (not whole days)', 'sessions', 'stats_overview', last24h],
      [
        'overview, last 7 days, two filters',
        'sessions',
        'stats_overview',
        { ...days(r.d7), p_filters: { country: 'C1', device: 'mobile' } },
      ],
      [
        'overview, last 30 days, two filters',
        'sessions',
        'stats_overview',
        { ...days(r.d30), p_filters: { country: 'C1', device: 'mobile' } },
      ],
      [
        'breakdown page, last 30 days',
        'rollups',
        'stats_breakdown',
        { ...days(r.d30), p_dimension: 'page' },
      ],
      [
        'breakdown country, last 30 days',
        'rollups',
        'stats_breakdown',
        { ...days(r.d30), p_dimension: 'country' },
      ],
      [
        'breakdown city, last 30 days',
        'rollups',
        'stats_breakdown',
        { ...days(r.d30), p_dimension: 'city' },
      ],
      [
        'breakdown referrer, last 30 days',
        'rollups',
        'stats_breakdown',
        { ...days(r.d30), p_dimension: 'referrer' },
      ],
      [
        'breakdown event, last 30 days',
        'rollups',
        'stats_breakdown',
        { ...days(r.d30), p_dimension: 'event' },
      ],
      [
        'breakdown page, last 90 days',
        'rollups',
        'stats_breakdown',
        { ...days(r.d90), p_dimension: 'page' },
      ],
      [
        'breakdown page, last 7 days, country filter',
        'sessions',
        'stats_breakdown',
        { ...days(r.d7), p_dimension: 'page', p_filters: { country: 'C1' } },
      ],
      [
        'breakdown country, last 24 hours',
        'sessions',
        'stats_breakdown',
        { ...last24h, p_dimension: 'country' },
      ],
      [
        'timeseries by day, last 30 days',
        'rollups',
        'stats_timeseries',
        { ...days(r.d30), p_resolution: 'day' },
      ],
      [
        'timeseries by day, last 90 days',
        'rollups',
        'stats_timeseries',
        { ...days(r.d90), p_resolution: 'day' },
      ],
      [
        'timeseries by hour, last 24 hours',
        'sessions',
        'stats_timeseries',
        { ...last24h, p_resolution: 'hour' },
      ],
      [
        'timeseries by hour, today and yesterday',
        'sessions',
        'stats_timeseries',
        { ...days(r.d2), p_resolution: 'hour' },
      ],
      [
        'live_visitors, 5 minutes',
        'visitors',
        'live_visitors',
        { p_site: SITE, p_window_seconds: 300 },
      ],
    ];
    const reads: Record<
      string,
      { rpc: string; path: string; p50_ms: number; p95_ms: number; under_50ms_p95: boolean }
    > = {};
    for (const [name, path, fn, args] of cases) {
      const { p50, p95 } = await time(RUNS, () => post(fn, args, token));
      reads[name] = { rpc: fn, path, p50_ms: p50, p95_ms: p95, under_50ms_p95: p95 < 50 };
      log(`${name.padEnd(48)} ${path.padEnd(9)} p50 ${p50} ms  p95 ${p95} ms`);
    }

    // ingest_batch: flushes of 500 events of fresh traffic on top of the history.
    const traffic = generateTraffic({
      siteId: SITE,
      idPrefix: 'live',
      seed: 9,
      startMs: Date.now() - 600_000,
      spanMs: 600_000,
      visitors: 2_000,
      sessions: 4_000,
    });
    const batches = toBatches(traffic, 500, 'bench');
    const ingest = await time(Math.min(RUNS, batches.length - 3), (i) =>
      post('ingest_batch', { payload: batches[i + 3]! }, stack.serviceRoleKey),
    );
    const sample = batches[3]!;
    log(
      `ingest_batch, 500 events (${sample.sessions.length} sessions, ${sample.visitors.length} visitors): p50 ${ingest.p50} ms  p95 ${ingest.p95} ms`,
    );

    const result = {
      generated_at: new Date().toISOString(),
      // Other work on the machine slows every number down: the 1-minute load average at the end.
      machine: {
        cpus: cpus().length,
        cpu: cpus()[0]?.model ?? '',
        node: process.version,
        load_average_1m: Math.round(loadavg()[0]! * 10) / 10,
      },
      postgres: (await db.query<{ v: string }>('select version() as v')).rows[0]!.v,
      volume: {
        sessions: SESSIONS,
        events_equivalent: SESSIONS * EVENTS_PER_SESSION,
        days: 90,
        rows: generated.rows,
      },
      generation_seconds: { total: generationSeconds, ...generated.seconds },
      runs_per_case: RUNS,
      measured_through:
        'PostgREST 12 via the devstack gateway (HTTP, dashboard token / service key)',
      reads,
      ingest_batch: {
        events_per_batch: 500,
        sessions_per_batch: sample.sessions.length,
        visitors_per_batch: sample.visitors.length,
        p50_ms: ingest.p50,
        p95_ms: ingest.p95,
      },
    };
    await mkdir(RESULTS, { recursive: true });
    const file = join(
      RESULTS,
      SESSIONS === 1_250_000 ? 'results.json' : `results-${SESSIONS}.json`,
    );
    await writeFile(file, JSON.stringify(result, null, 2) + '\n');
    log(`wrote ${file}`);
  } finally {
    await db.end();
    await stack.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
