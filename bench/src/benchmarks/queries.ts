/**
 * The dashboard's reading RPCs over sites with growing history (generated set-based by
 * supabase/bench/generate.ts: sessions, pages, custom events, and the hourly and daily rollups
 * with the unique-visitor counts ingest_batch would have derived; visitor_days, which no report
 * reads, is left out), called through PostgREST with a dashboard token with the ranges the
 * dashboard sends. The 10 M level comes from the database package's own bench; 100 million is
 * extrapolated from the measured growth (generation time would not fit this bench's budget).
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDevstack } from '@sightline/devstack';
import { callRpc } from '@sightline/test-utils';
import pg from 'pg';
import { generate } from '../../../supabase/bench/generate.js';
import { dashboardToken } from '../dashboard-client.js';
import { fromRoot } from '../paths.js';
import { round, summarize } from '../stats.js';
import type { Row } from '../results.js';

const EVENTS_PER_SESSION = 8; // page views, heartbeats and custom events (as supabase/bench)
const TZ = 'Europe/Berlin';

export async function benchQueries(volumes: number[], runs: number, log: (s: string) => void) {
  const dataDir = await mkdtemp(join(tmpdir(), 'sightline-queries-'));
  const devstack = await startDevstack({ dataDir, migrationsDir: fromRoot('supabase/migrations') });
  const db = new pg.Client({ connectionString: devstack.dbUrl });
  await db.connect();
  try {
    const levels = [];
    for (const events of volumes) {
      const site = `q${events}`;
      await db.query(
        `insert into public.sites (id, name, domains, timezone, store_raw) values ($1, 'Queries', '{localhost}', $2, false)`,
        [site, TZ],
      );
      const sessions = Math.round(events / EVENTS_PER_SESSION);
      log(`  generating ${sessions} sessions (~${events / 1e6} M events) for ${site}`);
      const t0 = performance.now();
      const generated = await generate(
        db,
        site,
        { sessions, visitors: Math.round(sessions * 0.32), days: 90 },
        log,
        { visitorDays: false },
      );
      const generationSeconds = round((performance.now() - t0) / 1000);
      const { rows: size } = await db.query<{ bytes: string }>(
        'select pg_database_size(current_database())::text as bytes',
      );

      const token = await dashboardToken(devstack, site);
      const target = { url: devstack.url, apikey: devstack.anonKey, token };
      const call = (fn: string, body: object) => callRpc(target, fn, body);
      // As apps/dashboard/src/lib/date-range.ts: whole local days ending with today ("Today",
      // "30 days"), and "24 h" as whole hours ending with the current one.
      const { rows } = await db.query<{ tomorrow: Date; today: Date; d30: Date }>(
        `select (t + interval '1 day') at time zone $1 as tomorrow, t at time zone $1 as today,
           (t - interval '29 days') at time zone $1 as d30
         from (select date_trunc('day', now() at time zone $1) as t) x`,
        [TZ],
      );
      const range30 = {
        p_site: site,
        p_from: rows[0]!.d30.toISOString(),
        p_to: rows[0]!.tomorrow.toISOString(),
      };
      const today = {
        p_site: site,
        p_from: rows[0]!.today.toISOString(),
        p_to: rows[0]!.tomorrow.toISOString(),
      };
      const hour = 3_600_000;
      const to = Math.ceil(Date.now() / hour) * hour;
      const last24h = {
        p_site: site,
        p_from: new Date(to - 24 * hour).toISOString(),
        p_to: new Date(to).toISOString(),
      };
      const cases: [string, string, object][] = [
        ['stats_overview, last 30 days', 'stats_overview', range30],
        ['stats_overview, last 24 hours', 'stats_overview', last24h],
        [
          'stats_breakdown page, last 30 days',
          'stats_breakdown',
          { ...range30, p_dimension: 'page' },
        ],
        [
          'stats_breakdown country, last 30 days',
          'stats_breakdown',
          { ...range30, p_dimension: 'country' },
        ],
        [
          'stats_breakdown page, 30 days, country filter',
          'stats_breakdown',
          { ...range30, p_dimension: 'page', p_filters: { country: 'C1' } },
        ],
        [
          'stats_timeseries by day, last 30 days',
          'stats_timeseries',
          { ...range30, p_resolution: 'day' },
        ],
        [
          'stats_timeseries by hour, last 24 hours',
          'stats_timeseries',
          { ...last24h, p_resolution: 'hour' },
        ],
        ['stats_timeseries by hour, today', 'stats_timeseries', { ...today, p_resolution: 'hour' }],
        ['live_visitors, 5 minutes', 'live_visitors', { p_site: site, p_window_seconds: 300 }],
      ];
      const results: Record<string, { p50: number; p95: number }> = {};
      for (const [name, fn, args] of cases) {
        for (let i = 0; i < 3; i++) await call(fn, args); // warm caches and the pool
        const samples: number[] = [];
        for (let i = 0; i < runs; i++) {
          const s = performance.now();
          await call(fn, args);
          samples.push(performance.now() - s);
        }
        const sum = summarize(samples);
        results[name] = { p50: sum.p50, p95: sum.p95 };
        log(`  ${events / 1e6} M ${name}: p50 ${sum.p50} ms, p95 ${sum.p95} ms`);
      }
      levels.push({
        events,
        site,
        generationSeconds,
        rows: generated.rows,
        databaseBytes: Number(size[0]!.bytes),
        results,
      });
    }
    return levels;
  } finally {
    await db.end();
    await devstack.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

type Level = Awaited<ReturnType<typeof benchQueries>>[number];

/** The database package's bench cases that match ours (its run covers ~10 M events). */
const DATABASE_CASES: Record<string, string> = {
  'stats_overview, last 30 days': 'overview, last 30 days',
  'stats_overview, last 24 hours': 'overview, last 24 hours (not whole days)',
  'stats_breakdown page, last 30 days': 'breakdown page, last 30 days',
  'stats_breakdown country, last 30 days': 'breakdown country, last 30 days',
  'stats_timeseries by day, last 30 days': 'timeseries by day, last 30 days',
  'stats_timeseries by hour, last 24 hours': 'timeseries by hour, last 24 hours',
  'stats_timeseries by hour, today': 'timeseries by hour, today',
  'live_visitors, 5 minutes': 'live_visitors, 5 minutes',
};

/**
 * The largest level of each of the database package's result files in bench/results/database
 * (`results.json`: ~10 M events, written by `pnpm --filter @sightline/database bench` earlier in
 * the same `pnpm bench`; `results-<events>.json`: volumes run on their own, such as 100 M), in
 * order of volume.
 */
export async function databaseLevels(): Promise<Level[]> {
  const dir = fromRoot('bench/results/database');
  const files = (await readdir(dir).catch(() => [] as string[])).filter((f) =>
    /^results(-[\d-]+)?\.json$/.test(f),
  );
  const levels = new Map<number, Level>();
  for (const file of files) {
    const level = await databaseLevel(`${dir}/${file}`);
    if (level && !levels.has(level.events)) levels.set(level.events, level);
  }
  return [...levels.values()].sort((a, b) => a.events - b.events);
}

async function databaseLevel(file: string): Promise<Level | undefined> {
  try {
    const data = JSON.parse(await readFile(file, 'utf8')) as {
      generated_at: string;
      volume: { events_equivalent: number; rows?: Record<string, number> };
      reads: Record<string, { p50_ms: number; p95_ms: number }>;
      levels?: {
        events_equivalent: number;
        database_bytes: number;
        generation_seconds: { total: number };
      }[];
    };
    const largest = data.levels?.find((l) => l.events_equivalent === data.volume.events_equivalent);
    const results: Level['results'] = {};
    for (const [ours, theirs] of Object.entries(DATABASE_CASES)) {
      const r = data.reads[theirs];
      if (r) results[ours] = { p50: r.p50_ms, p95: r.p95_ms };
    }
    return {
      events: data.volume.events_equivalent,
      site: `database bench (${data.generated_at})`,
      generationSeconds: largest?.generation_seconds.total ?? Number.NaN,
      rows: data.volume.rows ?? {},
      databaseBytes: largest?.database_bytes ?? Number.NaN,
      results,
    };
  } catch {
    return undefined;
  }
}

/** Rows for the table: each case at each volume, with growth per 10× data and 100 M extrapolated when not measured. */
export function queryRows(levels: Level[]): Row[] {
  const first = levels[0]!;
  const rows: Row[] = [];
  for (const name of Object.keys(first.results)) {
    for (const l of levels) {
      if (!l.results[name]) continue;
      rows.push({
        metric: `${name}, ${round(l.events / 1e6, 2)} M events${l.site.startsWith('database') ? ' (database bench)' : ''}`,
        unit: 'ms',
        median: l.results[name].p50,
        p95: l.results[name].p95,
        ...(l === first
          ? {}
          : {
              baseline: first.results[name]!.p50,
              baselineLabel: `${first.events / 1e6} M`,
              ratio: round(l.results[name].p50 / first.results[name]!.p50, 2),
            }),
        target: '≤ 50 ms p95 (database bench target)',
        pass: l.results[name].p95 <= 50,
      });
    }
    // Growth between the two largest volumes that have this case, when 100 M is not measured.
    const have = levels.filter((l) => l.results[name]);
    if (have.length < 2 || have[have.length - 1]!.events >= 1e8) continue;
    const [a, b] = have.slice(-2) as [Level, Level];
    const span = Math.log10(b.events / a.events) || 1;
    // A measured p50 that fell with more data is noise on a flat path: no call gets faster
    // with more data, so it is extrapolated flat (×1).
    const growth = Math.max(1, (b.results[name]!.p50 / a.results[name]!.p50) ** (1 / span));
    const at100 = round(b.results[name]!.p50 * growth ** Math.log10(1e8 / b.events));
    rows.push({
      metric: `${name}, 100 M events (extrapolated: ×${round(growth, 2)} per 10× data)`,
      unit: 'ms',
      median: `~${at100}`,
    });
  }
  return rows;
}
