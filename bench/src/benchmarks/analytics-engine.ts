/**
 * The devstack's local Analytics Engine: (1) a beacon POSTed to the ingest Worker (Miniflare,
 * EVENTS_AE bound to the engine by the devstack's plugin) until its data point answers a SQL
 * query through the SQL API; (2) aggregation queries through the SQL API at 1 M and 10 M rows of
 * Sightline-shaped data points spread over 30 days. The baseline of both is `SELECT 1` through
 * the same API (HTTP, the two checks, ClickHouse) measured in the same run.
 */
import { batch, beaconHeaders, newVisit, pageview, uid } from '../beacons.js';
import { startIngestMiniflare } from '../ingest-worker.js';
import { summarize } from '../stats.js';
import type { DbStack } from '../stack.js';
import { UNLIMITED } from './ingest.js';

type Engine = Extract<DbStack['devstack']['analyticsEngine'], { available: true }>;

async function sql(engine: Engine, query: string): Promise<string> {
  const res = await fetch(engine.sqlUrl, {
    method: 'POST',
    headers: { authorization: `Bearer ${engine.apiToken}` },
    body: query,
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${res.status} ${text}`);
  return text;
}

async function timed(engine: Engine, query: string, runs: number): Promise<number[]> {
  for (let i = 0; i < 3; i++) await sql(engine, query);
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await sql(engine, query);
    ms.push(performance.now() - t0);
  }
  return ms;
}

function engineOf(stack: DbStack): Engine {
  const engine = stack.devstack.analyticsEngine;
  if (!engine.available)
    throw new Error(`the local Analytics Engine is unavailable: ${engine.reason}`);
  return engine;
}

/** Beacon → data point answering `SELECT … WHERE blob3 = <its path>`, polled every 2 ms. */
export async function benchIngestToVisible(
  stack: DbStack,
  events: number,
  log: (s: string) => void,
) {
  const engine = engineOf(stack);
  const worker = await startIngestMiniflare({
    supabaseUrl: stack.devstack.url,
    serviceRoleKey: stack.devstack.serviceRoleKey,
    vars: UNLIMITED,
    analyticsEngine: { url: engine.url, apiToken: engine.apiToken },
  });
  const visibleMs: number[] = [];
  try {
    for (let i = 0; i < events + 5; i++) {
      const path = `/ae-bench/${uid('p')}`;
      const t0 = performance.now();
      const res = await fetch(`${worker.url}/v1/events`, {
        method: 'POST',
        headers: beaconHeaders(),
        body: JSON.stringify(batch(stack.site, [pageview(newVisit(), { url: path })])),
      });
      await res.arrayBuffer();
      for (;;) {
        const answer = await sql(
          engine,
          `SELECT count() AS n FROM sightline_events WHERE blob3 = '${path}' FORMAT JSONEachRow`,
        ).catch(() => '');
        if (answer.includes('"n":"1"')) break;
        if (performance.now() - t0 > 10_000)
          throw new Error(`data point of ${path} not visible after 10 s`);
        await new Promise((r) => setTimeout(r, 2));
      }
      // The first five warm the Worker, the SiteLive object and the dataset table.
      if (i >= 5) visibleMs.push(performance.now() - t0);
    }
  } finally {
    await worker.stop();
  }
  const baseline = summarize(await timed(engine, 'SELECT 1', 50));
  const visible = summarize(visibleMs);
  log(
    `  beacon → visible to SQL: p50 ${visible.p50} ms, p95 ${visible.p95} ms (SELECT 1: ${baseline.p50} ms)`,
  );
  return { events, visible, baseline };
}

const PATHS = Array.from({ length: 200 }, (_, i) => `/page/${i}`);
const COUNTRIES = ['DE', 'US', 'FR', 'GB', 'NL', 'SE', 'IN', 'BR', 'JP', 'CA'];
const DEVICES = ['desktop', 'mobile', 'tablet'];
const BROWSERS = ['Chrome', 'Safari', 'Firefox', 'Edge'];
const TYPES = ['pageview', 'heartbeat', 'heartbeat', 'custom'];

/** Sightline-shaped points (schema column map: blob1 site, blob2 type, blob3 path, …). */
function points(from: number, count: number, now: number) {
  return Array.from({ length: count }, (_, k) => {
    const i = from + k;
    const site = `site-${i % 5}`;
    const visitor = `v${(i * 7919) % 200_000}`;
    return {
      indexes: [site],
      blobs: [
        site,
        TYPES[i % TYPES.length]!,
        PATHS[(i * 31) % PATHS.length]!,
        i % 3 === 0 ? 'www.google.com' : '',
        i % 3 === 0 ? 'search' : 'direct',
        COUNTRIES[(i * 13) % COUNTRIES.length]!,
        '',
        '',
        DEVICES[(i * 17) % DEVICES.length]!,
        BROWSERS[(i * 19) % BROWSERS.length]!,
        'Linux',
        '',
        '',
        '',
        '',
        '',
        visitor,
        `${visitor}-s${i % 4}`,
        'FRA',
        'en',
      ],
      doubles: [1, now, i % 4 === 1 ? 15_000 : 0, 50, 2, 0, 52.5, 13.4, 1, 1920, 1080],
      // Scattered over the last 30 days (at any size).
      timestamp: now - ((i * 104_729_113) % 2_592_000_000),
    };
  });
}

async function load(stack: DbStack, from: number, to: number, log: (s: string) => void) {
  const engine = engineOf(stack);
  const url = stack.devstack.analyticsEngine.available
    ? stack.devstack.analyticsEngine.writeUrl('bench_events')
    : '';
  const now = Date.now();
  const t0 = performance.now();
  for (let i = from; i < to; i += 50_000) {
    const res = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${engine.apiToken}` },
      body: JSON.stringify(points(i, Math.min(50_000, to - i), now)),
    });
    if (res.status !== 200) throw new Error(`${res.status} ${await res.text()}`);
  }
  const seconds = (performance.now() - t0) / 1000;
  log(`  loaded ${to - from} points in ${seconds.toFixed(1)} s`);
  return seconds;
}

export const AGGREGATIONS: Record<string, string> = {
  'page views per day, one site, 30 days':
    "SELECT toStartOfDay(timestamp) AS day, SUM(_sample_interval) AS views FROM bench_events WHERE index1 = 'site-1' AND blob2 = 'pageview' AND timestamp > NOW() - INTERVAL '30' DAY GROUP BY day ORDER BY day",
  'top pages filtered by country + device, one site, 30 days':
    "SELECT blob3 AS path, SUM(_sample_interval) AS views, count(DISTINCT blob17) AS visitors FROM bench_events WHERE index1 = 'site-1' AND blob2 = 'pageview' AND blob6 = 'DE' AND blob9 = 'mobile' AND timestamp > NOW() - INTERVAL '30' DAY GROUP BY path ORDER BY views DESC LIMIT 20",
  'engaged time and visitors by country, one site, 7 days':
    "SELECT blob6 AS country, SUM(_sample_interval * double3) AS engaged_ms, count(DISTINCT blob17) AS visitors FROM bench_events WHERE index1 = 'site-1' AND timestamp > NOW() - INTERVAL '7' DAY GROUP BY country ORDER BY engaged_ms DESC",
  'every row: events per site and type':
    'SELECT index1, blob2, SUM(_sample_interval) AS events FROM bench_events GROUP BY index1, blob2 ORDER BY index1, blob2',
};

/** Query times at each size in `sizes` (rows loaded cumulatively). */
export async function benchAggregations(
  stack: DbStack,
  sizes: number[],
  runs: number,
  log: (s: string) => void,
) {
  const engine = engineOf(stack);
  const levels = [];
  let loaded = 0;
  for (const size of sizes) {
    const loadSeconds = await load(stack, loaded, size, log);
    loaded = size;
    const baseline = summarize(await timed(engine, 'SELECT 1', runs));
    const queries: Record<string, ReturnType<typeof summarize>> = {};
    for (const [name, query] of Object.entries(AGGREGATIONS)) {
      queries[name] = summarize(await timed(engine, query, runs));
      log(`  ${size} rows, ${name}: p50 ${queries[name].p50} ms, p95 ${queries[name].p95} ms`);
    }
    levels.push({ rows: size, loadSeconds, baseline, queries });
  }
  return levels;
}
