/**
 * The Stats API at 10 M and 100 M events: every report case and seeded random combinations of up
 * to three filters with each operator, through the real route (the ingest Worker in Miniflare,
 * the devstack's Postgres / PostgREST and local Analytics Engine), timed per source the planner
 * chose, side by side with today's report RPC asked the same question directly (where the RPC
 * can take the filters), in one run.
 *
 * Data: the database bench's 10 M-event site (supabase/bench, kept cluster reused through
 * SIGHTLINE_BENCH_DATA_DIR or generated here) and Analytics Engine points derived from the same
 * sessions (src/stats-points.ts), so both stores describe the same events and the answers are
 * compared. 100 M: the points made ten times as many (other visitors' copies of each session);
 * only the cases the planner sends to Analytics Engine run there (Postgres still holds 10 M).
 */
import { startDevstack, type Devstack } from '@sightline/devstack';
import { STATS_DIMENSIONS, type Dimension, type StatsFilter } from '@sightline/schema';
import { callRpc } from '@sightline/test-utils';
import { join } from 'node:path';
import pg from 'pg';
import { dashboardToken } from '../dashboard-client.js';
import { startIngestMiniflare, type WorkerHandle } from '../ingest-worker.js';
import { fromRoot } from '../paths.js';
import { summarize, type Summary } from '../stats.js';
import { createPointsView, dropCopies, loadPoints, multiplyPoints } from '../stats-points.js';
import type { DbStack } from '../stack.js';
import { benchIngestToVisible } from './analytics-engine.js';
import { UNLIMITED } from './ingest.js';

type Report = 'overview' | 'timeseries' | 'breakdown' | 'live';
type Source = 'postgres' | 'analytics_engine' | 'live';

interface Case {
  name: string;
  report: Report;
  body?: {
    from: string;
    to: string;
    filters?: StatsFilter[];
    resolution?: 'hour' | 'day';
    dimension?: Dimension;
    limit?: number;
  };
}

export interface CaseResult {
  name: string;
  source: Source;
  api: Summary;
  /** Today's RPC asked the same question (only where `p_filters` can say it). */
  rpc?: Summary & { fn: string };
  /** Whether the API's answer (visitors, visits, page views per row) equals the RPC's. */
  agrees?: boolean;
  filters?: StatsFilter[];
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A small seeded generator (mulberry32): the same seed gives the same combinations. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Values of the generated site (supabase/bench/generate.ts), and substrings for `contains`. */
const VALUES: Partial<Record<Dimension, { is: string[]; contains: string[] }>> = {
  country: { is: ['C0', 'C1', 'C2', 'C5', 'C12', 'C30'], contains: ['C1', 'c2', 'C3'] },
  region: { is: ['R0-1', 'R1-0', 'R3-4'], contains: ['R0', 'r1-'] },
  city: { is: ['City 0-3', 'City 1-10', 'City 4-0'], contains: ['City 0', 'city 1-1'] },
  device: { is: ['desktop', 'mobile', 'tablet'], contains: ['mob', 'TOP'] },
  browser: { is: ['Chrome', 'Safari', 'Firefox', 'Samsung'], contains: ['fire', 'chr'] },
  os: { is: ['Windows', 'iOS', 'Android', 'Linux'], contains: ['and', 'os'] },
  referrer: { is: ['', 'ref4.example', 'ref6.example'], contains: ['ref1', 'example'] },
  referrer_class: { is: ['direct', 'search', 'social'], contains: ['se', 'dir'] },
  entry_page: { is: ['/p/0', '/p/1', '/p/7'], contains: ['/p/1', '/p/19'] },
  utm_source: { is: ['src6', 'src8', ''], contains: ['src'] },
  utm_medium: { is: ['med6', 'med8'], contains: ['med'] },
  utm_campaign: { is: ['camp0', 'camp3'], contains: ['camp', 'p1'] },
};
const FILTERABLE = Object.keys(VALUES) as Dimension[];
const OPERATORS = ['is', 'is_not', 'contains', 'does_not_contain'] as const;
const GROUPS = (Object.keys(STATS_DIMENSIONS) as Dimension[]).filter(
  (d) => STATS_DIMENSIONS[d].aeGroup,
);

interface Ranges {
  today: [number, number];
  d7: [number, number];
  d30: [number, number];
  h24: [number, number];
}

const iso = ([from, to]: [number, number]) => ({
  from: new Date(from).toISOString(),
  to: new Date(to).toISOString(),
});

/** Ranges as the dashboard asks them, ending with the data's last local day / hour. */
async function rangesOf(db: pg.Client, site: string): Promise<Ranges> {
  const { rows } = await db.query<{ d1: Date; d7: Date; d30: Date; end: Date; last: Date }>(
    `select (t + interval '1 day') at time zone tz as "end", t at time zone tz as d1,
       (t - interval '6 days') at time zone tz as d7, (t - interval '29 days') at time zone tz as d30,
       x.last
     from (select s.timezone as tz, max(x.started_at) as last,
             date_trunc('day', max(x.started_at) at time zone s.timezone) as t
           from public.sites s join public.sessions x on x.site_id = s.id
           where s.id = $1 group by s.timezone) x`,
    [site],
  );
  const r = rows[0]!;
  const end = r.end.getTime();
  const hourEnd = Math.ceil(r.last.getTime() / HOUR) * HOUR;
  return {
    today: [r.d1.getTime(), end],
    d7: [r.d7.getTime(), end],
    d30: [r.d30.getTime(), end],
    h24: [hourEnd - DAY, hourEnd],
  };
}

/** The fixed cases: every report, each dimension, and the filter shapes the planner tells apart. */
function fixedCases(r: Ranges): Case[] {
  const some: StatsFilter[] = [['is_not', 'country', ['C0']]];
  const cases: Case[] = [
    { name: 'overview, last 7 days', report: 'overview', body: iso(r.d7) },
    { name: 'overview, last 30 days', report: 'overview', body: iso(r.d30) },
    { name: 'overview, last 24 hours', report: 'overview', body: iso(r.h24) },
    {
      name: 'overview, last 30 days, country is',
      report: 'overview',
      body: { ...iso(r.d30), filters: [['is', 'country', ['C1']]] },
    },
    {
      name: 'overview, last 24 hours, country is',
      report: 'overview',
      body: { ...iso(r.h24), filters: [['is', 'country', ['C1']]] },
    },
    {
      name: 'overview, last 30 days, country and device is',
      report: 'overview',
      body: {
        ...iso(r.d30),
        filters: [
          ['is', 'country', ['C1']],
          ['is', 'device', ['mobile']],
        ],
      },
    },
    {
      name: 'overview, last 30 days, country is not',
      report: 'overview',
      body: { ...iso(r.d30), filters: some },
    },
    {
      name: 'timeseries by day, last 30 days',
      report: 'timeseries',
      body: { ...iso(r.d30), resolution: 'day' },
    },
    {
      name: 'timeseries by hour, last 24 hours',
      report: 'timeseries',
      body: { ...iso(r.h24), resolution: 'hour' },
    },
    {
      name: 'timeseries by hour, today',
      report: 'timeseries',
      body: { ...iso(r.today), resolution: 'hour' },
    },
    {
      name: 'timeseries by hour, today, country is',
      report: 'timeseries',
      body: { ...iso(r.today), resolution: 'hour', filters: [['is', 'country', ['C1']]] },
    },
    {
      name: 'timeseries by day, last 30 days, country and device is',
      report: 'timeseries',
      body: {
        ...iso(r.d30),
        resolution: 'day',
        filters: [
          ['is', 'country', ['C1']],
          ['is', 'device', ['mobile']],
        ],
      },
    },
    {
      name: 'timeseries by hour, last 24 hours, country is not',
      report: 'timeseries',
      body: { ...iso(r.h24), resolution: 'hour', filters: some },
    },
    { name: 'live', report: 'live' },
  ];
  for (const dimension of Object.keys(STATS_DIMENSIONS) as Dimension[]) {
    cases.push({
      name: `breakdown ${dimension}, last 30 days`,
      report: 'breakdown',
      body: { ...iso(r.d30), dimension },
    });
    if (STATS_DIMENSIONS[dimension].aeGroup)
      cases.push({
        name: `breakdown ${dimension}, last 30 days, country is not`,
        report: 'breakdown',
        body: { ...iso(r.d30), dimension, filters: some },
      });
  }
  cases.push({
    name: 'breakdown page, last 30 days, country and device is',
    report: 'breakdown',
    body: {
      ...iso(r.d30),
      dimension: 'page',
      filters: [
        ['is', 'country', ['C1']],
        ['is', 'device', ['mobile']],
      ],
    },
  });
  return cases;
}

/** `n` random reports with one to three filters, each with a random operator and values. */
function randomCases(r: Ranges, seed: number, n: number): Case[] {
  const random = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const ranges = [
    ['today', r.today],
    ['7 days', r.d7],
    ['30 days', r.d30],
    ['24 hours', r.h24],
  ] as const;
  const cases: Case[] = [];
  for (let i = 0; i < n; i++) {
    const dims = [...FILTERABLE].sort(() => random() - 0.5).slice(0, 1 + Math.floor(random() * 3));
    const filters: StatsFilter[] = dims.map((d) => {
      const op = pick(OPERATORS);
      // `contains` takes substrings; the others whole values (`does_not_contain` of a whole
      // value: every other value; of '': nothing).
      const pool = op.includes('contains') ? VALUES[d]!.contains : VALUES[d]!.is;
      const values = [...new Set([pick(pool), ...(random() < 0.3 ? [pick(pool)] : [])])];
      return [op, d, values];
    });
    const [label, range] = pick(ranges);
    const kind = pick(['overview', 'timeseries', 'breakdown'] as const);
    const body: Case['body'] = { ...iso(range), filters };
    let what: string = kind;
    if (kind === 'timeseries') {
      body.resolution = label === '30 days' ? 'day' : 'hour';
      what = `timeseries by ${body.resolution}`;
    }
    if (kind === 'breakdown') {
      body.dimension = pick(GROUPS);
      what = `breakdown ${body.dimension}`;
    }
    const text = filters.map(([op, d, v]) => `${d} ${op} ${v.map((x) => `"${x}"`).join('|')}`);
    cases.push({ name: `${what}, ${label}, ${text.join(' & ')}`, report: kind, body });
  }
  return cases;
}

/** The RPC and arguments that ask the same question today, or null when its filters cannot. */
function rpcOf(site: string, c: Case): [string, Record<string, unknown>] | null {
  if (c.report === 'live') return ['live_visitors', { p_site: site, p_window_seconds: 300 }];
  const b = c.body!;
  const filters: Record<string, string> = {};
  for (const [op, dim, values] of b.filters ?? []) {
    if (op !== 'is' || values.length !== 1 || dim in filters) return null;
    filters[dim] = values[0]!;
  }
  const args = { p_site: site, p_from: b.from, p_to: b.to, p_filters: filters };
  if (c.report === 'overview') return ['stats_overview', args];
  if (c.report === 'timeseries')
    return ['stats_timeseries', { ...args, p_resolution: b.resolution }];
  return ['stats_breakdown', { ...args, p_dimension: b.dimension, p_limit: b.limit ?? 10 }];
}

type Row = Record<string, unknown>;

/** visitors / visits / page views per row, keyed and sorted, for comparing the two answers. */
function comparable(report: Report, results: unknown): string {
  if (report === 'live') return '';
  const rows = (Array.isArray(results) ? results : [results]) as Row[];
  return JSON.stringify(
    rows
      .filter((row) => Number(row.visits) > 0)
      .map((row) => [
        report === 'timeseries'
          ? Date.parse(String(row.bucket))
          : report === 'breakdown'
            ? String(row.value)
            : '',
        Number(row.visitors),
        Number(row.visits),
        Number(row.pageviews),
      ])
      .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
  );
}

async function timed(runs: number, call: () => Promise<unknown>): Promise<Summary> {
  for (let i = 0; i < 2; i++) await call();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await call();
    ms.push(performance.now() - t0);
  }
  return summarize(ms);
}

interface Target {
  worker: WorkerHandle;
  devstack: Devstack;
  site: string;
  token: string;
}

async function ask(t: Target, c: Case): Promise<{ source: Source; results: unknown }> {
  const url = `${t.worker.url}/api/v1/sites/${t.site}/${c.report}`;
  const res = await fetch(url, {
    method: c.report === 'live' ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${t.token}`, 'content-type': 'application/json' },
    body: c.report === 'live' ? undefined : JSON.stringify(c.body),
  });
  const json = (await res.json()) as {
    meta?: { source: Source };
    results?: unknown;
    error?: { code: string; message: string };
  };
  if (res.status !== 200) throw new Error(`${c.name}: ${res.status} ${JSON.stringify(json.error)}`);
  return { source: c.report === 'live' ? 'live' : json.meta!.source, results: json.results };
}

/** A case that failed is kept with its error (the run goes on). */
async function runCase(
  t: Target,
  c: Case,
  runs: number,
  withRpc: boolean,
): Promise<CaseResult | { name: string; error: string }> {
  try {
    return await measureCase(t, c, runs, withRpc);
  } catch (error) {
    return { name: c.name, error: String(error instanceof Error ? error.message : error) };
  }
}

async function measureCase(
  t: Target,
  c: Case,
  runs: number,
  withRpc: boolean,
): Promise<CaseResult> {
  const first = await ask(t, c);
  const api = await timed(runs, () => ask(t, c));
  const result: CaseResult = { name: c.name, source: first.source, api };
  if (c.body?.filters?.length) result.filters = c.body.filters;
  const rpc = withRpc ? rpcOf(t.site, c) : null;
  if (rpc) {
    const target = { url: t.devstack.url, apikey: t.devstack.publishableKey, token: t.token };
    const [fn, args] = rpc;
    const answer = await callRpc(target, fn, args);
    result.rpc = { fn, ...(await timed(runs, () => callRpc(target, fn, args))) };
    if (c.report !== 'live')
      result.agrees = comparable(c.report, first.results) === comparable(c.report, answer);
  }
  return result;
}

/** Per source: cases, the median of their p50s, the worst p95 and the cases over `target`. */
function bySource(results: CaseResult[], target: number) {
  const out: Record<
    string,
    { cases: number; median_p50: number; worst_p95: number; over_target: string[] }
  > = {};
  for (const source of ['postgres', 'analytics_engine', 'live'] as const) {
    const of = results.filter((r) => r.source === source);
    if (!of.length) continue;
    const p50s = of.map((r) => r.api.p50).sort((a, b) => a - b);
    out[source] = {
      cases: of.length,
      median_p50: p50s[Math.floor(p50s.length / 2)]!,
      worst_p95: Math.max(...of.map((r) => r.api.p95)),
      over_target: of.filter((r) => r.api.p95 > target).map((r) => r.name),
    };
  }
  return out;
}

export interface StatsBenchOptions {
  /** A devstack data directory holding the database bench's site (kept cluster). */
  dataDir: string;
  site: string;
  runs: number;
  combos: number;
  comboRuns: number;
  seed: number;
  /** 10: the 100 M level (Analytics Engine cases); 1: 10 M only. */
  multiply: number;
  /** At 100 M: at most this many cases of each kind, each timed this many times. */
  hundredMCases: number;
  hundredMRuns: number;
  visibleEvents: number;
  log: (line: string) => void;
  /** Called with the results so far (after 10 M, then after 100 M). */
  save: (result: StatsBenchResult) => Promise<void>;
}

const start = (dataDir: string, analyticsEngine = true) =>
  startDevstack({
    dataDir,
    migrationsDir: fromRoot('supabase/migrations'),
    analyticsEngine,
    log: () => undefined,
  });

function engineOf(devstack: Devstack) {
  const engine = devstack.analyticsEngine;
  if (!engine.available)
    throw new Error(`the local Analytics Engine is unavailable: ${engine.reason}`);
  return engine;
}

/** SQL through the engine's API (FORMAT JSON), first row. */
async function aeRow(devstack: Devstack, query: string): Promise<Row> {
  const engine = engineOf(devstack);
  const res = await fetch(engine.sqlUrl, {
    method: 'POST',
    headers: { authorization: `Bearer ${engine.apiToken}` },
    body: query,
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${res.status} ${text}`);
  return (JSON.parse(text) as { data: Row[] }).data[0] ?? {};
}

/**
 * Derives the site's points into the engine unless an earlier run did (then drops the copies
 * of a 100 M level it left), so the 10 M level always reads exactly the Postgres site's events.
 */
async function preparePoints(o: StatsBenchOptions): Promise<{ points: number; sessions: number }> {
  const engineDir = join(o.dataDir, 'analytics-engine');
  let stack = await start(o.dataDir);
  let sessions: number;
  let points: { base: number; copies: number };
  try {
    // The dataset's table, created by the real write path.
    const engine = engineOf(stack);
    const res = await fetch(engine.writeUrl('sightline_events'), {
      method: 'POST',
      headers: { authorization: `Bearer ${engine.apiToken}` },
      body: JSON.stringify([{ indexes: ['bench-init'], blobs: ['bench-init'] }]),
    });
    if (res.status !== 200) throw new Error(`${res.status} ${await res.text()}`);
    const row = await aeRow(
      stack,
      `SELECT countIf(position(blob18, '~') = 0) AS base, countIf(position(blob18, '~') > 0) AS copies FROM sightline_events WHERE index1 = '${o.site}' FORMAT JSON`,
    );
    points = { base: Number(row.base), copies: Number(row.copies) };
    const db = new pg.Client({ connectionString: stack.dbUrl });
    await db.connect();
    const { rows } = await db
      .query<{ n: string }>('select count(*)::text as n from public.sessions where site_id = $1', [
        o.site,
      ])
      .finally(() => db.end());
    sessions = Number(rows[0]!.n);
  } finally {
    await stack.stop();
  }
  if (!sessions)
    throw new Error(
      `${o.dataDir} holds no site ${o.site}: run the database bench with SIGHTLINE_BENCH_DATA_DIR=${o.dataDir} first`,
    );
  if (points.base > 0) {
    if (points.copies > 0) await dropCopies(engineDir, o.site);
    o.log(`  reusing ${points.base} Analytics Engine points of ${sessions} sessions`);
    return { points: points.base, sessions };
  }
  stack = await start(o.dataDir, false);
  try {
    const db = new pg.Client({ connectionString: stack.dbUrl });
    await db.connect();
    const view = await createPointsView(db, o.site).finally(() => db.end());
    const t0 = performance.now();
    const loaded = await loadPoints(engineDir, view, stack.dbUrl, o.site);
    o.log(
      `  ${loaded} Analytics Engine points from ${sessions} sessions in ${((performance.now() - t0) / 1000).toFixed(0)} s`,
    );
    return { points: loaded, sessions };
  } finally {
    await stack.stop();
  }
}

async function withTarget<T>(
  o: StatsBenchOptions,
  run: (t: Target, db: pg.Client) => Promise<T>,
): Promise<T> {
  const devstack = await start(o.dataDir);
  const engine = engineOf(devstack);
  const db = new pg.Client({ connectionString: devstack.dbUrl });
  await db.connect();
  const worker = await startIngestMiniflare({
    supabaseUrl: devstack.url,
    keys: devstack,
    vars: {
      ...UNLIMITED,
      ANALYTICS_ENGINE_SQL_URL: engine.sqlUrl,
      ANALYTICS_ENGINE_API_TOKEN: engine.apiToken,
      ANALYTICS_ENGINE_RETENTION_DAYS: '90',
      ANALYTICS_ENGINE_SINCE: '',
      API_KEY_REQUESTS_PER_MINUTE: '1000000000',
    },
    analyticsEngine: { url: engine.url, apiToken: engine.apiToken },
  });
  try {
    const token = await dashboardToken(devstack, o.site);
    return await run({ worker, devstack, site: o.site, token }, db);
  } finally {
    await worker.stop();
    await db.end().catch(() => undefined);
    await devstack.stop();
  }
}

async function baselines(t: Target, runs: number) {
  const engine = engineOf(t.devstack);
  return {
    aeSelect1: await timed(runs, async () => {
      const res = await fetch(engine.sqlUrl, {
        method: 'POST',
        headers: { authorization: `Bearer ${engine.apiToken}` },
        body: 'SELECT 1',
      });
      await res.text();
    }),
    workerHealth: await timed(runs, async () => (await fetch(`${t.worker.url}/v1/health`)).text()),
  };
}

type Failed = { name: string; error: string };
const failed = (r: CaseResult | Failed): r is Failed => 'error' in r;

function logCase(log: (s: string) => void, level: string, r: CaseResult | Failed): void {
  if (failed(r)) return log(`  ${level} ${r.name}: FAILED ${r.error}`);
  log(
    `  ${level} ${r.name.slice(0, 90).padEnd(90)} ${r.source.padEnd(16)} p50 ${r.api.p50} p95 ${r.api.p95} p99 ${r.api.p99}` +
      (r.rpc
        ? ` | ${r.rpc.fn} p50 ${r.rpc.p50} p95 ${r.rpc.p95}${r.agrees === false ? ' DIFFERS' : ''}`
        : ''),
  );
}

async function runAll(
  t: Target,
  cases: Case[],
  runs: number,
  withRpc: boolean,
  level: string,
  log: (s: string) => void,
) {
  const done: CaseResult[] = [];
  const failures: Failed[] = [];
  for (const c of cases) {
    const r = await runCase(t, c, runs, withRpc);
    logCase(log, level, r);
    if (failed(r)) failures.push(r);
    else done.push(r);
  }
  return { done, failures };
}

/**
 * The 100 M level's cases: those the planner sent to Analytics Engine at 10 M (Postgres still
 * holds 10 M events), at most `limit` of each kind (every query reads ten times the rows).
 */
function hundredMCases(tenM: CaseResult[], cases: Case[], limit: number): Case[] {
  const ae = new Set(tenM.filter((r) => r.source === 'analytics_engine').map((r) => r.name));
  return cases.filter((c) => ae.has(c.name)).slice(0, limit);
}

export async function benchStatsApi(o: StatsBenchOptions): Promise<StatsBenchResult> {
  const prepared = await preparePoints(o);
  o.log(`  random filter combinations: seed ${o.seed}`);
  const tenM = await withTarget(o, async (t, db) => {
    const ranges = await rangesOf(db, o.site);
    const base = await baselines(t, o.runs);
    o.log(
      `  baselines: SELECT 1 through the SQL API p50 ${base.aeSelect1.p50} ms, Worker health p50 ${base.workerHealth.p50} ms`,
    );
    const fixed = await runAll(t, fixedCases(ranges), o.runs, true, '10 M', o.log);
    const random = await runAll(
      t,
      randomCases(ranges, o.seed, o.combos),
      o.comboRuns,
      true,
      '10 M',
      o.log,
    );
    // Beacon → data point visible to a query, on a site of its own in the same stack.
    await db.query(
      `insert into public.sites (id, name, domains, timezone, store_raw)
       values ('aevisible', 'AE visible', '{localhost}', 'UTC', false) on conflict (id) do nothing`,
    );
    const stack = {
      devstack: t.devstack,
      site: 'aevisible',
      dataDir: o.dataDir,
      db,
    } as unknown as DbStack;
    const visible = await benchIngestToVisible(stack, o.visibleEvents, o.log);
    return { ranges, base, fixed, random, visible };
  });
  const result: StatsBenchResult = {
    seed: o.seed,
    site: o.site,
    sessions: prepared.sessions,
    points_10m: prepared.points,
    ranges: Object.fromEntries(
      (Object.entries(tenM.ranges) as [string, [number, number]][]).map(([k, v]) => [k, iso(v)]),
    ),
    baselines_10m: tenM.base,
    by_source_10m: bySource([...tenM.fixed.done, ...tenM.random.done], 50),
    fixed_10m: tenM.fixed.done,
    random_10m: tenM.random.done,
    failures: [...tenM.fixed.failures, ...tenM.random.failures],
    visible: tenM.visible,
  };
  await o.save(result);
  if (o.multiply > 1) await benchHundredM(o, result);
  return result;
}

/**
 * The 100 M level on top of a 10 M result (this run's, or a saved one: the cases the planner
 * sent to Analytics Engine there, on the same ranges), saved after every case.
 */
export async function benchHundredM(o: StatsBenchOptions, result: StatsBenchResult) {
  const ranges = Object.fromEntries(
    Object.entries(result.ranges).map(([k, v]) => [k, [Date.parse(v.from), Date.parse(v.to)]]),
  ) as unknown as Ranges;
  const t0 = performance.now();
  const site = `${o.site}x${o.multiply}`;
  const points = await multiplyPoints(
    join(o.dataDir, 'analytics-engine'),
    o.site,
    site,
    o.multiply,
  );
  o.log(
    `  ${points} points (${o.multiply} × the site) in ${((performance.now() - t0) / 1000).toFixed(0)} s`,
  );
  await withTarget({ ...o, site }, async (t, db) => {
    // The site's row (time zone, access), no Postgres history: only Analytics Engine is asked.
    await db.query(
      `insert into public.sites (id, name, domains, timezone, store_raw)
       select $1, name || ' ×${o.multiply}', domains, timezone, store_raw from public.sites where id = $2
       on conflict (id) do nothing`,
      [site, o.site],
    );
    Object.assign(result, {
      points_100m: points,
      baselines_100m: await baselines(t, o.runs),
      fixed_100m: [],
      random_100m: [],
    });
    result.failures = result.failures.filter((f) => !f.name.startsWith('100 M '));
    const kinds = [
      [result.fixed_10m, fixedCases(ranges), result.fixed_100m!],
      [result.random_10m, randomCases(ranges, o.seed, o.combos), result.random_100m!],
    ] as const;
    for (const [tenM, cases, into] of kinds) {
      for (const c of hundredMCases(tenM, cases, o.hundredMCases)) {
        const r = await runCase(t, c, o.hundredMRuns, false);
        logCase(o.log, '100 M', r);
        if (failed(r)) result.failures.push({ ...r, name: `100 M ${r.name}` });
        else into.push(r);
        result.by_source_100m = bySource([...result.fixed_100m!, ...result.random_100m!], 100);
        await o.save(result);
      }
    }
  });
}

export interface StatsBenchResult {
  seed: number;
  site: string;
  sessions: number;
  points_10m: number;
  ranges: Record<string, { from: string; to: string }>;
  baselines_10m: Awaited<ReturnType<typeof baselines>>;
  by_source_10m: ReturnType<typeof bySource>;
  fixed_10m: CaseResult[];
  random_10m: CaseResult[];
  failures: Failed[];
  visible: Awaited<ReturnType<typeof benchIngestToVisible>>;
  points_100m?: number;
  baselines_100m?: Awaited<ReturnType<typeof baselines>>;
  by_source_100m?: ReturnType<typeof bySource>;
  fixed_100m?: CaseResult[];
  random_100m?: CaseResult[];
}

type StatsBench = StatsBenchResult;

const SOURCE_NAMES: Record<string, string> = {
  analytics_engine: 'Analytics Engine',
  postgres: 'Postgres',
  live: 'SiteLive',
};

/** One case; its target is judged in the per-source rows (`summaryRows`). */
const caseRow = (r: CaseResult, level: string) => ({
  metric: `${r.name} (${level}, ${SOURCE_NAMES[r.source]})`,
  unit: 'ms',
  median: r.api.p50,
  p95: r.api.p95,
  p99: r.api.p99,
  ...(r.rpc
    ? {
        baseline: r.rpc.p50,
        baselineLabel: `${r.rpc.fn} RPC directly${r.agrees === false ? ' (answer differs)' : ''}`,
        ratio: Math.round((r.api.p50 / r.rpc.p50) * 100) / 100,
      }
    : {}),
});

/** Per source: the median of the cases' p50s and the worst p95, judged against the target. */
const summaryRows = (rs: CaseResult[], what: string, level: string, target: number) =>
  Object.entries(bySource(rs, target)).map(([source, s]) => ({
    metric: `${s.cases} ${what}, ${SOURCE_NAMES[source]} (${level}; median of p50s, worst p95)`,
    unit: 'ms',
    median: s.median_p50,
    p95: s.worst_p95,
    target: `≤ ${target} ms p95`,
    pass: s.over_target.length === 0,
  }));

/** What the figures say: misses per source and level, the answers compared, and why. */
function notes(r: StatsBench): string[] {
  const compared = [...r.fixed_10m, ...r.random_10m].filter((c) => c.agrees !== undefined);
  const differ = compared.filter((c) => !c.agrees).map((c) => c.name);
  const misses = (level: string, by: ReturnType<typeof bySource> | undefined, target: number) =>
    Object.entries(by ?? {}).map(
      ([source, s]) =>
        `${level}, ${source}: ${s.over_target.length} of ${s.cases} cases over ${target} ms p95` +
        (s.over_target.length
          ? ` (${s.over_target.slice(0, 6).join('; ')}${s.over_target.length > 6 ? '; …' : ''})`
          : ''),
    );
  return [
    `Baselines in the same run: SELECT 1 through the engine's SQL API p50 ${r.baselines_10m.aeSelect1.p50} ms; the Worker's GET /v1/health p50 ${r.baselines_10m.workerHealth.p50} ms (every Stats API answer pays that, the caller's RPC and the store's query).`,
    `Answers compared with today's RPC: ${compared.length} cases, ${differ.length ? `${differ.length} differ (${differ.join('; ')})` : 'all equal'} in visitors, visits and page views per row.`,
    ...misses('10 M', r.by_source_10m, 50),
    ...misses('100 M', r.by_source_100m, 100),
    "Why Analytics Engine misses over days: a filtered report reads every point of its range (the ordering key (index1, timestamp), as Analytics Engine's index, narrows to the site and the range; the filters are on blobs, so nothing narrows further), and about half of each query is the exact distinct count of visitor ids (count(DISTINCT blob17)); ranges of a day or less read a thirtieth of that. Postgres answers the same days from rollups (a row per value and day), or from covering indexes of one country's sessions.",
    "Postgres holds 10 M events at both levels: the 100 M level asks only what the planner sends to Analytics Engine, of a site holding ten copies of the 10 M site's points.",
    ...(r.failures.length
      ? [
          `Failed (errors in details.failures; a 503 analytics_engine_unavailable is the Worker giving up on Analytics Engine after 15 s): ${r.failures.map((f) => f.name).join('; ')}`,
        ]
      : []),
    'Everything (Worker, devstack, engine, this client) shares the 2 cores with other work: compare with the baselines of the same run.',
  ];
}

/** The result file's table: every case at each level, the random combinations per source. */
export function statsApiTable(r: StatsBench) {
  return {
    title: 'Stats API at 10 M and 100 M events',
    method: `Through the Stats API route (the ingest Worker in Miniflare with a service token; the devstack's PostgREST and local Analytics Engine), ${r.fixed_10m[0]?.api.samples ?? 0} timed requests per fixed case and ${r.random_10m[0]?.api.samples ?? 0} per random combination after 2 warm-ups, the source being the one the planner chose (meta.source); beside it the same question asked of today's report RPC directly through PostgREST (only where its filters can say it: one \`is\` value per dimension), compared row by row (visitors, visits, page views). Data: the database bench's 10 M-event site (${r.sessions.toLocaleString('en')} sessions over 90 days) and ${r.points_10m.toLocaleString('en')} format-2 points derived from the same sessions; 100 M: ${r.points_100m ? r.points_100m.toLocaleString('en') : 'no'} points (ten copies of each session, other visitors), Analytics Engine cases only. Random combinations: seed ${r.seed}, operators is / is_not / contains / does_not_contain on the session dimensions. Ranges end with the data's last local day.`,
    notes: notes(r),
    table: [
      ...summaryRows(r.fixed_10m, 'report cases', '10 M', 50),
      ...summaryRows(r.random_10m, 'random combinations of 1–3 filters', '10 M', 50),
      ...summaryRows(r.fixed_100m ?? [], 'report cases', '100 M', 100),
      ...summaryRows(r.random_100m ?? [], 'random combinations of 1–3 filters', '100 M', 100),
      ...r.fixed_10m.map((c) => caseRow(c, '10 M')),
      ...r.random_10m.map((c) => caseRow(c, '10 M')),
      ...(r.fixed_100m ?? []).map((c) => caseRow(c, '100 M')),
      ...(r.random_100m ?? []).map((c) => caseRow(c, '100 M')),
      {
        metric: 'beacon → data point visible to a SQL query',
        unit: 'ms',
        median: r.visible.visible.p50,
        p95: r.visible.visible.p95,
        p99: r.visible.visible.p99,
        baseline: r.visible.baseline.p50,
        baselineLabel: 'SELECT 1 through the SQL API',
      },
    ],
    details: r,
  };
}
