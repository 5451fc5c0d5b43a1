// The database benchmark: sites with 1 and 10 million events' worth of history (sessions of ~8
// events: page views, heartbeats, custom events; 90 days), each generated set-based, then
// p50/p95 of every reading RPC through PostgREST with a dashboard token (as the dashboard calls
// them) at each volume, and of ingest_batch with 500-event flushes through PostgREST with the
// service key (as the Worker calls it) on top of the largest.
//
//   pnpm --filter @sightline/database bench                                  (1 M and 10 M)
//   SIGHTLINE_BENCH_EVENTS=1000000 pnpm --filter @sightline/database bench   (one volume)
//   SIGHTLINE_BENCH_EVENTS=1000000,10000000,100000000 pnpm --filter @sightline/database bench
//
// SIGHTLINE_BENCH_DATA_DIR=<dir> keeps the cluster in <dir> after the run: the next run with the
// same dir measures a volume whose site is already there without generating it again (10 M
// takes minutes). A kept cluster is deployed again as any database is (new migrations, every
// schema file), so changed functions take effect. Published results come from fresh runs
// (generation times included).
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDevstack } from '@sightline/devstack';
import { callRpc, percentile } from '@sightline/test-utils';
import pg from 'pg';
import { signDashboardToken } from '../src/token.js';
import { generateTraffic, toBatches } from '../test/support/traffic.js';
import { generate } from './generate.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const MIGRATIONS = join(HERE, '..', 'migrations');
const RESULTS = join(HERE, '..', '..', 'bench', 'results', 'database');
const TZ = 'Europe/Berlin';
const EVENTS_PER_SESSION = 8;
const DEFAULT_EVENTS = [1_000_000, 10_000_000];
const EVENTS = process.env.SIGHTLINE_BENCH_EVENTS
  ? process.env.SIGHTLINE_BENCH_EVENTS.split(',').map(Number)
  : process.env.SIGHTLINE_BENCH_SESSIONS
    ? [Number(process.env.SIGHTLINE_BENCH_SESSIONS) * EVENTS_PER_SESSION]
    : DEFAULT_EVENTS;
const RUNS = 40;
const KEEP_DIR = process.env.SIGHTLINE_BENCH_DATA_DIR;
const log = (line: string) => process.stdout.write(line + '\n');

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
  const at = (p: number) => Math.round(percentile(samples, p) * 10) / 10;
  return { p50: at(50), p95: at(95) };
}

const GENERATED_TABLES = [
  'sessions',
  'session_pages',
  'session_events',
  'event_log',
  'rollups',
  'daily_rollups',
  'visitors',
] as const;

type Case = [name: string, path: string, rpc: string, args: object];

/** The calls, with ranges as the dashboard sends them (apps/dashboard/src/lib/date-range.ts). */
async function casesFor(db: pg.Client, site: string): Promise<Case[]> {
  // Whole local days ending with today (computed in local time, so a range across a DST change
  // still starts at local midnight).
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
    p_site: site,
    p_from: from.toISOString(),
    p_to: r.tomorrow.toISOString(),
  });
  // "24 h": whole hours (the dashboard rounds `to` up to the next hour).
  const hour = 3_600_000;
  const to = Math.ceil(Date.now() / hour) * hour;
  const last24h = {
    p_site: site,
    p_from: new Date(to - 24 * hour).toISOString(),
    p_to: new Date(to).toISOString(),
  };
  return [
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
    ['overview, last 24 hours (not whole days)', 'hourly rollups', 'stats_overview', last24h],
    [
      'overview, last 24 hours, country filter',
      'sessions',
      'stats_overview',
      { ...last24h, p_filters: { country: 'C1' } },
    ],
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
    ['breakdown page, today', 'rollups', 'stats_breakdown', { ...days(r.d1), p_dimension: 'page' }],
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
      'rollups',
      'stats_breakdown',
      { ...days(r.d7), p_dimension: 'page', p_filters: { country: 'C1' } },
    ],
    [
      'breakdown page, last 30 days, country filter',
      'rollups',
      'stats_breakdown',
      { ...days(r.d30), p_dimension: 'page', p_filters: { country: 'C1' } },
    ],
    [
      // A second filter: no rollup holds it, so the page rows of the country's sessions.
      'breakdown page, last 30 days, country and device filters',
      'sessions',
      'stats_breakdown',
      { ...days(r.d30), p_dimension: 'page', p_filters: { country: 'C1', device: 'mobile' } },
    ],
    [
      'breakdown country, last 24 hours',
      'sessions',
      'stats_breakdown',
      { ...last24h, p_dimension: 'country' },
    ],
    [
      'timeseries by hour, today',
      'hourly rollups',
      'stats_timeseries',
      { ...days(r.d1), p_resolution: 'hour' },
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
      'hourly rollups',
      'stats_timeseries',
      { ...last24h, p_resolution: 'hour' },
    ],
    [
      'timeseries by hour, today and yesterday',
      'hourly rollups',
      'stats_timeseries',
      { ...days(r.d2), p_resolution: 'hour' },
    ],
    [
      'timeseries by hour, today, country filter',
      'sessions',
      'stats_timeseries',
      { ...days(r.d1), p_resolution: 'hour', p_filters: { country: 'C1' } },
    ],
    [
      'live_visitors, 5 minutes',
      'visitors',
      'live_visitors',
      { p_site: site, p_window_seconds: 300 },
    ],
    ...(await conversionCases(db, site, days(r.d30), days(r.d7), last24h)),
  ];
}

/**
 * The conversion reports, on goals and a funnel defined for the site here: an event goal
 * (event_0, about one session in ten, with revenue), an event goal with a property match, a
 * page goal by pattern (/p/19*: 11 of the 200 generated paths, ~3 % of page views, as a
 * checkout's pages might be), and a 4-step funnel (three pages and the event goal). Nothing
 * when the schema predates them.
 */
async function conversionCases(
  db: pg.Client,
  site: string,
  d30: object,
  d7: object,
  last24h: object,
): Promise<Case[]> {
  const { rows: schema } = await db.query<{ t: string | null }>(
    `select to_regclass('public.goals') as t`,
  );
  if (schema[0]?.t == null) return [];
  await db.query('delete from public.funnels where site_id = $1', [site]);
  await db.query('delete from public.goals where site_id = $1', [site]);
  const { rows: goals } = await db.query<{ id: string; name: string }>(
    `insert into public.goals (site_id, name, event_name, page_path, prop_key, prop_value)
     values ($1, 'Purchase', 'event_0', null, null, null),
            ($1, 'Pro plan', 'event_1', null, 'plan', 'pro'),
            ($1, 'Pages 19x', null, '/p/19*', null, null)
     returning id::text, name`,
    [site],
  );
  const goal = (name: string) => Number(goals.find((g) => g.name === name)!.id);
  // Goals too large to build when defined are built by the hourly Cron Trigger: as it would.
  await db.query('select public.build_goal_rollups(100)');
  const { rows: funnels } = await db.query<{ id: string }>(
    `insert into public.funnels (site_id, name, steps)
     values ($1, 'Four steps', $2) returning id::text`,
    [
      site,
      JSON.stringify([
        { page: '/p/0' },
        { page: '/p/1' },
        { page: '/p/2' },
        { goal: goal('Purchase') },
      ]),
    ],
  );
  const funnel = Number(funnels[0]!.id);
  return [
    ['goals, last 30 days', 'event log, pages', 'stats_goals', d30],
    ['goals, last 7 days', 'event log, pages', 'stats_goals', d7],
    ['goals, last 24 hours', 'event log, pages', 'stats_goals', last24h],
    [
      'goals, last 30 days, country filter',
      'event log, sessions',
      'stats_goals',
      { ...d30, p_filters: { country: 'C1' } },
    ],
    [
      'goal by country, last 30 days',
      'event log, sessions',
      'stats_goal_breakdown',
      { ...d30, p_goal: goal('Purchase'), p_dimension: 'country' },
    ],
    [
      'goal by page, last 30 days (10 pages asked)',
      'event log, pages',
      'stats_goal_breakdown',
      {
        ...d30,
        p_goal: goal('Purchase'),
        p_dimension: 'page',
        p_values: Array.from({ length: 10 }, (_, i) => `/p/${i}`),
      },
    ],
    [
      'page goal by channel, last 30 days',
      'pages, sessions',
      'stats_goal_breakdown',
      { ...d30, p_goal: goal('Pages 19x'), p_dimension: 'referrer_class' },
    ],
    [
      'funnel, 4 steps, last 30 days',
      'pages, event log',
      'stats_funnel',
      { ...d30, p_funnel: funnel },
    ],
    [
      'funnel, 4 steps, last 7 days',
      'pages, event log',
      'stats_funnel',
      { ...d7, p_funnel: funnel },
    ],
    [
      'properties of an event, last 30 days',
      'event log',
      'stats_properties',
      { ...d30, p_event: 'event_1' },
    ],
    [
      'properties of a goal, last 30 days',
      'event log',
      'stats_properties',
      { ...d30, p_goal: goal('Pro plan') },
    ],
    ['outbound links, last 30 days', 'event log', 'stats_links', { ...d30, p_kind: 'outbound' }],
    ['404 pages, last 30 days', 'event log', 'stats_links', { ...d30, p_kind: '404' }],
    [
      'scroll and vitals of the top pages, last 30 days',
      'pages, event log',
      'stats_page_engagement',
      d30,
    ],
  ];
}

interface Level {
  events_equivalent: number;
  sessions: number;
  days: number;
  rows: Record<string, number>;
  database_bytes: number;
  generation_seconds: Record<string, number>;
  load_average_1m: number;
  reads: Record<string, Read>;
  /** The site was generated by an earlier run in SIGHTLINE_BENCH_DATA_DIR. */
  reused?: boolean;
}

interface Read {
  rpc: string;
  path: string;
  p50_ms: number;
  p95_ms: number;
  under_50ms_p95: boolean;
}

async function main(): Promise<void> {
  const dataDir = KEEP_DIR ?? (await mkdtemp(join(tmpdir(), 'sightline-db-bench-')));
  const stack = await startDevstack({ dataDir, migrationsDir: MIGRATIONS });
  const db = new pg.Client({ connectionString: stack.dbUrl });
  await db.connect();
  try {
    const post = async (fn: string, body: object, token: string): Promise<void> => {
      await callRpc({ url: stack.url, apikey: stack.anonKey, token }, fn, body);
    };

    // One site per volume, in the same database (smallest first): every level is measured
    // right after its generation, and the rows of the other sites are there too.
    const levels: Level[] = [];
    let site = '';
    for (const events of [...EVENTS].sort((a, b) => a - b)) {
      const sessions = Math.round(events / EVENTS_PER_SESSION);
      site = `bench${events}`;
      const { rows: existing } = await db.query<{ n: string }>(
        // Generated sessions only: the ingest_batch measurement adds `live…` ones.
        `select count(*)::text as n from public.sessions where site_id = $1 and session_id like 's%'`,
        [site],
      );
      const reused = Number(existing[0]!.n) === sessions;
      let generated: Awaited<ReturnType<typeof generate>>;
      let generationSeconds = 0;
      if (reused) {
        log(`reusing ${site} (${sessions} sessions) from ${dataDir}`);
        const rows: Record<string, number> = {};
        for (const table of GENERATED_TABLES) {
          // Table names are constants.
          const { rows: n } = await db.query<{ n: string }>(
            `select count(*)::text as n from public.${table} where site_id = $1`,
            [site],
          );
          rows[table] = Number(n[0]!.n);
        }
        generated = { seconds: {}, rows };
      } else {
        await db.query('delete from public.sites where id = $1', [site]);
        await db.query(
          `insert into public.sites (id, name, domains, timezone, store_raw) values ($1, 'Bench', '{localhost}', $2, false)`,
          [site, TZ],
        );
        log(`generating ${sessions} sessions (~${events} events) over 90 days for ${site}`);
        const started = performance.now();
        // visitor_days is read only by ingest_batch (never by a report): not generated here.
        generated = await generate(
          db,
          site,
          { sessions, visitors: Math.round(sessions * 0.32), days: 90 },
          log,
          { visitorDays: false },
        );
        generationSeconds = Math.round((performance.now() - started) / 1000);
      }
      const { rows: size } = await db.query<{ bytes: string }>(
        'select pg_database_size(current_database())::text as bytes',
      );
      log(
        `  generated in ${generationSeconds} s; database ${Math.round(Number(size[0]!.bytes) / 2 ** 20)} MB`,
      );

      const token = await signDashboardToken({
        siteIds: [site],
        secret: stack.jwtSecret,
        ttlSeconds: 3600,
      });
      const reads: Record<string, Read> = {};
      for (const [name, path, fn, args] of await casesFor(db, site)) {
        const { p50, p95 } = await time(RUNS, () => post(fn, args, token));
        reads[name] = { rpc: fn, path, p50_ms: p50, p95_ms: p95, under_50ms_p95: p95 < 50 };
        log(`${events / 1e6} M ${name.padEnd(48)} ${path.padEnd(14)} p50 ${p50} ms  p95 ${p95} ms`);
      }
      levels.push({
        events_equivalent: events,
        sessions,
        days: 90,
        rows: generated.rows,
        database_bytes: Number(size[0]!.bytes),
        generation_seconds: { total: generationSeconds, ...generated.seconds },
        load_average_1m: Math.round(loadavg()[0]! * 10) / 10,
        reads,
        ...(reused ? { reused } : {}),
      });
    }

    // ingest_batch: flushes of 500 events of fresh traffic on top of the largest history.
    // A kept cluster already holds the flushes of earlier runs: fresh ids, or ingest_batch would
    // answer them as retries.
    const run = KEEP_DIR ? `-${Date.now()}` : '';
    const traffic = generateTraffic({
      siteId: site,
      idPrefix: `live${run}`,
      seed: 9,
      startMs: Date.now() - 600_000,
      spanMs: 600_000,
      visitors: 2_000,
      sessions: 4_000,
    });
    const batches = toBatches(traffic, 500, `bench${run}`);
    const ingest = await time(Math.min(RUNS, batches.length - 3), (i) =>
      post('ingest_batch', { payload: batches[i + 3]! }, stack.serviceRoleKey),
    );
    const sample = batches[3]!;
    log(
      `ingest_batch, 500 events (${sample.sessions.length} sessions, ${sample.visitors.length} visitors): p50 ${ingest.p50} ms  p95 ${ingest.p95} ms`,
    );

    const largest = levels[levels.length - 1]!;
    // How each case's p50 grows per 10x data between consecutive volumes.
    const growth: Record<string, number[]> = {};
    for (const name of Object.keys(largest.reads)) {
      growth[name] = levels.slice(1).map((l, i) => {
        const a = levels[i]!;
        const span = Math.log10(l.events_equivalent / a.events_equivalent) || 1;
        return (
          Math.round((l.reads[name]!.p50_ms / a.reads[name]!.p50_ms) ** (1 / span) * 100) / 100
        );
      });
    }
    const result = {
      generated_at: new Date().toISOString(),
      command: 'pnpm --filter @sightline/database bench',
      // Other work on the machine slows every number down: the 1-minute load average at the end
      // (and per level, after its reads).
      machine: {
        cpus: cpus().length,
        cpu: cpus()[0]?.model ?? '',
        node: process.version,
        load_average_1m: Math.round(loadavg()[0]! * 10) / 10,
      },
      postgres: (await db.query<{ v: string }>('select version() as v')).rows[0]!.v,
      // The largest volume (what earlier single-volume runs reported at the top level).
      volume: {
        sessions: largest.sessions,
        events_equivalent: largest.events_equivalent,
        days: 90,
        rows: largest.rows,
      },
      generation_seconds: largest.generation_seconds,
      runs_per_case: RUNS,
      measured_through:
        'PostgREST 12 via the devstack gateway (HTTP, dashboard token / service key)',
      reads: largest.reads,
      levels,
      p50_growth_per_10x_data: growth,
      ingest_batch: {
        history_events: largest.events_equivalent,
        events_per_batch: 500,
        sessions_per_batch: sample.sessions.length,
        visitors_per_batch: sample.visitors.length,
        p50_ms: ingest.p50,
        p95_ms: ingest.p95,
      },
    };
    await mkdir(RESULTS, { recursive: true });
    const defaults = EVENTS.join(',') === DEFAULT_EVENTS.join(',');
    const file = join(RESULTS, defaults ? 'results.json' : `results-${EVENTS.join('-')}.json`);
    await writeFile(file, JSON.stringify(result, null, 2) + '\n');
    log(`wrote ${file}`);
  } finally {
    await db.end();
    await stack.stop();
    if (!KEEP_DIR) await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
