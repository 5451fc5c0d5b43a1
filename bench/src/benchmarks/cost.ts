/**
 * What a visitor-minute costs in billed operations: the tracker's own scripted visit replayed in
 * real time against the ingest Worker in Miniflare on the devstack, once with nobody watching
 * the site and once with a dashboard watching (POST /v1/sites/:id/watch, renewed every 30 s as
 * the dashboard does). The visit is browser scenario 19's (packages/tracker/test/browser/
 * cadence.test.ts): a 5-minute read with scrolling, a tab switch and an idle stretch, its
 * beacons recorded from the real tracker in Chromium and committed as
 * packages/tracker/test/fixtures/visit.json (the scenario fails when the tracker no longer sends
 * them). Each simulated visitor sends those beacons, with its own ids, at the recorded offsets.
 *
 * Counted outside the Durable Object, so an object evicted mid-phase (a site nobody watches has
 * no alarm between its visitors' beacons, and an idle object is evicted) loses none of them:
 * Worker requests, SiteLive calls, alarms, Analytics Engine points and KV operations by the
 * bench-only counting entry around the bundle's bindings (src/operation-counter.ts); Postgres
 * calls (PostgREST requests, one transaction each) and Realtime broadcasts at a counting proxy.
 * SiteLive's own in-memory counters are kept beside them, with how often the object restarted.
 *
 * Per-beacon lines (requests, DO calls, points) scale with visitors; flushes (≤ 1 per shard per
 * second) and pushes are per site and time, so the result gives them per minute as well as per
 * visitor-minute at the measured concurrency.
 */
import { randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { withCostTable, type MeasuredCost } from '../cost-model.js';
import { dashboardToken } from '../dashboard-client.js';
import { beaconHeaders } from '../beacons.js';
import { startCountingProxy } from '../counting-proxy.js';
import { startIngestMiniflare } from '../ingest-worker.js';
import { drained, siteStats } from '../live-shards.js';
import { operations, operationsBetween, sumOf } from '../operation-counter.js';
import { fromRoot } from '../paths.js';
import { round } from '../stats.js';
import type { DbStack } from '../stack.js';
import { sleep } from '../wait.js';
import { UNLIMITED } from './ingest.js';

/** The dashboard's renewal period (the Worker's renewMs). */
const RENEW_MS = 30_000;
/** The tracker's recorded visit (browser scenario 19). */
export const VISIT_FIXTURE = 'packages/tracker/test/fixtures/visit.json';

export interface CostOptions {
  visitors: number;
  /** Visitors start spread evenly over this long; each then replays the whole visit. */
  arrivalMs: number;
}

/** A beacon of the recorded visit: its offset and its wire v2 events without url and referrer. */
interface VisitBeacon {
  at: number;
  events: unknown[][];
}

interface Visit {
  heartbeatMs: number;
  minutes: number;
  beacons: VisitBeacon[];
}

export async function loadVisit(): Promise<Visit> {
  return JSON.parse(await readFile(fromRoot(VISIT_FIXTURE), 'utf8')) as Visit;
}

/**
 * The visit's beacons that change what a live screen shows — the page view, a final heartbeat
 * (the visitor leaves), the first beacon after one (back again), any other event — and those
 * that only update a present visitor (heartbeats), which SiteLive pushes lazily.
 */
export function urgentAndQuiet(visit: Visit): { urgent: number; quiet: number } {
  let away = true;
  let urgent = 0;
  for (const b of visit.beacons) {
    let moves = false;
    for (const [type, , , , , , final] of b.events) {
      if (type !== 1 || final === true || away) moves = true;
      away = type === 1 && final === true;
    }
    if (moves) urgent += 1;
  }
  return { urgent, quiet: visit.beacons.length - urgent };
}

interface Counts {
  workerRequests: number;
  beacons: number;
  durableObjectRequests: number;
  durableObjectCalls: number;
  durableObjectAlarms: number;
  analyticsEnginePoints: number;
  kvOperations: number;
  postgresCalls: number;
  realtimeBroadcasts: number;
}

/** SiteLive calls that are the health route's reads (the benchmark's own polling), not billed traffic. */
const HEALTH_READS = ['do.stats', 'do.deadLetters'];

/** The recorded visit's beacon `b` as one visitor sends it: its ids, the current time. */
function body(site: string, ids: Record<'i' | 'u' | 'p', string>, b: VisitBeacon): string {
  const events = b.events.map(([type, seq, , ...fields]) => [
    type,
    seq,
    Date.now(),
    '/docs/article',
    'https://www.google.com/',
    ...fields,
  ]);
  return `{"v":2,"s":"${site}","i":"${ids.i}","u":"${ids.u}","k":true,"p":"${ids.p}","w":[1440,900],"a":false,"e":${JSON.stringify(events)}}`;
}

/** Every visitor replays the visit once, starting spread evenly over `arrivalMs`. */
async function replay(url: string, site: string, visit: Visit, options: CostOptions) {
  let beacons = 0;
  let failed = 0;
  const send = async (payload: string) => {
    const res = await fetch(`${url}/v1/events`, {
      method: 'POST',
      headers: beaconHeaders(),
      body: payload,
    }).catch(() => null);
    await res?.arrayBuffer();
    if (res && res.status === 202) beacons += 1;
    else failed += 1;
  };
  await Promise.all(
    Array.from({ length: options.visitors }, async (_, n) => {
      await sleep((n * options.arrivalMs) / options.visitors);
      const ids = { i: randomUUID(), u: randomUUID(), p: randomUUID() };
      const start = Date.now();
      for (const b of visit.beacons) {
        await sleep(start + b.at - Date.now());
        await send(body(site, ids, b));
      }
    }),
  );
  return { beacons, failed };
}

async function phase(
  stack: DbStack,
  visit: Visit,
  options: CostOptions,
  watched: boolean,
  log: (s: string) => void,
  /** Worker vars for this phase (the push rule compared). */
  vars: Record<string, string> = {},
) {
  const proxy = await startCountingProxy(stack.devstack.url);
  const key = stack.devstack.secretKey;
  const worker = await startIngestMiniflare({
    supabaseUrl: stack.devstack.url,
    supabaseVia: proxy.url,
    keys: stack.devstack,
    vars: { ...UNLIMITED, STORE_RAW_EVENTS: 'false', ...vars },
    countOperations: true,
  });
  try {
    const site = stack.site;
    const token = watched ? await dashboardToken(stack.devstack, site) : '';
    let watches = 0;
    const watch = async () => {
      const res = await fetch(`${worker.url}/v1/sites/${site}/watch`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
      });
      if (res.status !== 200) throw new Error(`watch answered ${res.status}: ${await res.text()}`);
      await res.arrayBuffer();
      watches += 1;
    };
    const before = await siteStats(worker.url, key, site);
    const opsBefore = await operations(worker.url);
    proxy.reset();
    const started = Date.now();
    let renew: ReturnType<typeof setInterval> | null = null;
    if (watched) {
      await watch();
      renew = setInterval(
        () => void watch().catch((e: unknown) => log(`  watch: ${String(e)}`)),
        RENEW_MS,
      );
    }
    const sent = await replay(worker.url, site, visit, options);
    if (renew) clearInterval(renew);
    // Count once the objects' last flush (and the pushes that go with it) is done.
    await drained(worker.url, key, site);
    const minutes = (Date.now() - started) / 60_000;
    const ops = operationsBetween(opsBefore, await operations(worker.url));
    const after = await siteStats(worker.url, key, site);
    // Counted outside the object (src/operation-counter.ts): what the Worker asked of SiteLive
    // and KV, the alarms and data points of every object that ran, however often one restarted.
    const counts: Counts = {
      beacons: sent.beacons,
      workerRequests: sumOf(ops, 'worker /v1/') - sumOf(ops, 'worker /v1/health'),
      durableObjectRequests: sumOf(ops, 'do.', ['do.constructed', ...HEALTH_READS]),
      durableObjectCalls: ops['do.ingest'] ?? 0,
      durableObjectAlarms: ops['do.alarm'] ?? 0,
      analyticsEnginePoints: ops['ae.writeDataPoint'] ?? 0,
      kvOperations: sumOf(ops, 'kv.'),
      postgresCalls: proxy.total('/rest/v1/'),
      realtimeBroadcasts: proxy.total('/realtime/v1/api/broadcast'),
    };
    // SiteLive's own counters over the same phase, beside them: they lose what an object counted
    // before it was evicted. The object was constructed before `opsBefore` (the first health
    // read), so `objectRestarts` counts only the constructions after an eviction.
    const inObject = {
      calls: after.calls - before.calls,
      alarms: after.alarms - before.alarms,
      points: after.points - before.points,
    };
    const objectRestarts = ops['do.constructed'] ?? 0;
    // Each visitor is present for the recorded visit's length, whatever the phase's wall time.
    const visitorMinutes = options.visitors * visit.minutes;
    const perVisitorMinute = Object.fromEntries(
      Object.entries(counts).map(([k, v]) => [k, round(v / visitorMinutes, 3)]),
    );
    const perMinute = Object.fromEntries(
      Object.entries(counts).map(([k, v]) => [k, round(v / minutes, 1)]),
    );
    log(
      `  ${watched ? 'watched' : 'unwatched'}: ${JSON.stringify(counts)} over ${round(minutes, 2)} min, failed beacons ${sent.failed}; object restarts ${objectRestarts}, SiteLive's own counters ${JSON.stringify(inObject)}`,
    );
    return {
      watched,
      minutes: round(minutes, 3),
      visitorMinutes: round(visitorMinutes, 1),
      failedBeacons: sent.failed,
      watchCalls: watches,
      counts,
      objectRestarts,
      inObject,
      operations: ops,
      perVisitorMinute,
      perMinute,
    };
  } finally {
    await worker.stop();
    await proxy.close();
  }
}

export async function benchCost(stack: DbStack, options: CostOptions, log: (s: string) => void) {
  const visit = await loadVisit();
  // Watched first: its token and watch calls are what fails when the stack's auth setup changes.
  const watched = await phase(stack, visit, options, true, log);
  // The previous push rule for comparison: every change, heartbeats included, pushed at the
  // 50 ms window.
  const watchedEveryChange = await phase(stack, visit, options, true, log, {
    LIVE_QUIET_PUSH_MS: '50',
  });
  const unwatched = await phase(stack, visit, options, false, log);
  return {
    benchmark: 'cost',
    what: `The tracker's scripted ${visit.minutes}-minute visit (browser scenario 19: reading with scrolling, a 30 s tab switch, an idle stretch, the tab closed; heartbeat every ${visit.heartbeatMs / 1000} s; ${visit.beacons.length} beacons recorded from the real tracker in Chromium), replayed in real time by every visitor against the ingest Worker (Miniflare) on the devstack; counts per visitor-minute of visit`,
    visitors: options.visitors,
    arrivalSeconds: options.arrivalMs / 1000,
    beaconsPerVisit: visit.beacons.length,
    /** Per visit: beacons that move the live screen, and heartbeats of a present visitor. */
    ...urgentAndQuiet(visit),
    visitMinutes: visit.minutes,
    kv: 'counted at the binding; by design: site config read at most once per 15 s per isolate, rate-limit syncs only past 90 % of a limit, the live snapshot written only for public sites (at most once per second per shard)',
    unwatched,
    watched,
    watchedEveryChange,
  };
}

export type CostRun = Awaited<ReturnType<typeof benchCost>>;

/** CPU per beacon assumed when no beacon-cpu result is at hand (docs/scaling.md). */
const ASSUMED_CPU_MS = 1.5;

/**
 * The model's inputs from a cost result: the unwatched phase's rates (the watched phase adds
 * only its watch calls), the visit's urgent and quiet beacons, alarms per minute of the phase
 * (one shard), and the beacon-cpu benchmark's CPU per beacon straight to workerd if it ran.
 */
export async function measuredCost(r: CostRun): Promise<MeasuredCost> {
  let cpuMsPerBeacon = ASSUMED_CPU_MS;
  try {
    const cpu = JSON.parse(
      await readFile(fromRoot('bench/results/system/beacon-cpu.json'), 'utf8'),
    ) as { details: { cpuMsPerBeaconAtRate: Record<string, number> } };
    cpuMsPerBeacon = cpu.details.cpuMsPerBeaconAtRate['sightline (direct)'] ?? ASSUMED_CPU_MS;
  } catch {
    // Not measured yet: the assumption stands.
  }
  const u = r.unwatched;
  const perVisit = (n: number) => n / r.visitMinutes;
  return {
    rates: {
      beacons: u.perVisitorMinute.beacons!,
      durableObjectCalls: u.perVisitorMinute.durableObjectCalls!,
      analyticsEnginePoints: u.perVisitorMinute.analyticsEnginePoints!,
    },
    alarmsPerShardMinute: u.perMinute.durableObjectAlarms!,
    urgentBeacons: perVisit(r.urgent),
    quietBeacons: perVisit(r.quiet),
    cpuMsPerBeacon,
  };
}

/** Renders the monthly cost table into docs/scaling.md (between its cost-model markers). */
export async function writeScalingCostTable(table: string): Promise<void> {
  const file = fromRoot('docs/scaling.md');
  await writeFile(file, withCostTable(await readFile(file, 'utf8'), table));
}
