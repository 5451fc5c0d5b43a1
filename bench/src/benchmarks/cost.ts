/**
 * What a visitor-minute costs in billed operations: scripted visits at the tracker's real cadence
 * (wire v2 beacons, one event each: a page view when a page opens, a heartbeat every 15 s while
 * the page is visible and in use, a final heartbeat when it is left, one tab switch per visit)
 * replayed in real time against the ingest Worker in Miniflare on the devstack, once with nobody
 * watching the site and once with a dashboard watching (POST /v1/sites/:id/watch, renewed every
 * 30 s as the dashboard does).
 *
 * Counted: Worker requests (beacons + watch calls), Durable Object requests (SiteLive calls and
 * alarms, from its own stats), Analytics Engine points (SiteLive's stats), Postgres calls
 * (PostgREST requests at a counting proxy, one transaction each) and Realtime broadcasts (at the
 * proxy). KV operations are not observable in Miniflare: the figures name the code paths that
 * use KV instead.
 *
 * Per-beacon lines (requests, DO calls, points) scale with visitors; flushes (≤ 1 per shard per
 * second) and pushes (≤ 20 per shard per second) are per site and time, so the result gives them
 * per minute as well as per visitor-minute at the measured concurrency.
 */
import { randomUUID } from 'node:crypto';
import { dashboardToken } from '../dashboard-client.js';
import { beaconHeaders } from '../beacons.js';
import { startCountingProxy } from '../counting-proxy.js';
import { startIngestMiniflare } from '../ingest-worker.js';
import { round } from '../stats.js';
import type { DbStack } from '../stack.js';
import { sleep } from '../wait.js';
import { pollUntil } from '@sightline/test-utils';
import { UNLIMITED } from './ingest.js';

/** The tracker's defaults (packages/tracker/src/options.ts). */
const HEARTBEAT_MS = 15_000;
/** A visitor opens a page about once a minute (docs/scaling.md's assumption). */
const PAGE_MS = 60_000;
/** The dashboard's renewal period (the Worker's renewMs). */
const RENEW_MS = 30_000;

export interface CostOptions {
  visitors: number;
  durationMs: number;
}

interface Counts {
  workerRequests: number;
  beacons: number;
  durableObjectRequests: number;
  analyticsEnginePoints: number;
  postgresCalls: number;
  realtimeBroadcasts: number;
}

interface ShardStats {
  calls: number;
  alarms: number;
  watches: number;
  points: number;
  pushes: number;
}

interface Shard extends ShardStats {
  pendingEvents: number;
  outboxEvents: number;
}

async function shardsOf(url: string, key: string, site: string): Promise<Shard[]> {
  const res = await fetch(`${url}/v1/health/sites/${site}`, {
    headers: { authorization: `Bearer ${key}` },
  });
  if (!res.ok) throw new Error(`health answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { shards: Shard[] }).shards;
}

/** Until every shard has flushed what it accepted (nothing pending, nothing in its outbox). */
async function drained(url: string, key: string, site: string): Promise<void> {
  await pollUntil(
    async () =>
      (await shardsOf(url, key, site)).every((s) => s.pendingEvents + s.outboxEvents === 0),
    { timeoutMs: 30_000, intervalMs: 250, what: 'the live shards flushed' },
  );
}

async function siteStats(url: string, key: string, site: string): Promise<ShardStats> {
  const shards = await shardsOf(url, key, site);
  const sum = (k: keyof ShardStats) => shards.reduce((n, s) => n + s[k], 0);
  return {
    calls: sum('calls'),
    alarms: sum('alarms'),
    watches: sum('watches'),
    points: sum('points'),
    pushes: sum('pushes'),
  };
}

/** One visitor's beacons in wire v2, as packages/tracker sends them. */
function visitor(site: string) {
  const ids = { i: randomUUID(), u: randomUUID() };
  let load = randomUUID();
  let seq = 0;
  let page = 0;
  const envelope = () =>
    `{"v":2,"s":"${site}","i":"${ids.i}","u":"${ids.u}","k":${page === 0},"p":"${load}","w":[1440,900],"a":false,"e":[`;
  const path = () => `/docs/page-${page}`;
  return {
    pageview(): string {
      page += 1;
      load = randomUUID();
      seq = 0;
      const e = [0, seq++, Date.now(), path(), 'https://www.google.com/', 'Docs'];
      return `${envelope()}${JSON.stringify(e)}]}`;
    },
    heartbeat(engagedMs: number, final = false): string {
      const e: unknown[] = [
        1,
        seq++,
        Date.now(),
        path(),
        'https://www.google.com/',
        engagedMs,
        50,
        2,
      ];
      if (final) e.push(true);
      return `${envelope()}${JSON.stringify(e)}]}`;
    },
  };
}

/** Visitors arrive spread over the first heartbeat period and keep their cadence to the end. */
async function replay(url: string, site: string, options: CostOptions) {
  let beacons = 0;
  let failed = 0;
  const send = async (body: string) => {
    const res = await fetch(`${url}/v1/events`, {
      method: 'POST',
      headers: beaconHeaders(),
      body,
    }).catch(() => null);
    await res?.arrayBuffer();
    if (res && res.status === 202) beacons += 1;
    else failed += 1;
  };
  const end = Date.now() + options.durationMs;
  await Promise.all(
    Array.from({ length: options.visitors }, async (_, n) => {
      await sleep((n * HEARTBEAT_MS) / options.visitors);
      const v = visitor(site);
      let pageAt = Date.now();
      await send(v.pageview());
      // One tab switch per visit, half-way through the first page: a final heartbeat on hide, a
      // page view's worth of nothing while hidden (the tracker sends nothing), then on again.
      let switched = false;
      for (;;) {
        const wake = Math.min(end, Date.now() + HEARTBEAT_MS);
        await sleep(wake - Date.now());
        if (Date.now() >= end) break;
        if (!switched && Date.now() - pageAt >= PAGE_MS / 2) {
          switched = true;
          await send(v.heartbeat(HEARTBEAT_MS, true));
          continue; // hidden for one period: no heartbeat
        }
        if (Date.now() - pageAt >= PAGE_MS) {
          await send(v.heartbeat(HEARTBEAT_MS, true));
          await send(v.pageview());
          pageAt = Date.now();
        } else await send(v.heartbeat(HEARTBEAT_MS));
      }
      await send(v.heartbeat(5_000, true)); // pagehide at the end of the visit
    }),
  );
  return { beacons, failed };
}

async function phase(
  stack: DbStack,
  options: CostOptions,
  watched: boolean,
  log: (s: string) => void,
) {
  const proxy = await startCountingProxy(stack.devstack.url);
  const key = stack.devstack.secretKey;
  const worker = await startIngestMiniflare({
    supabaseUrl: proxy.url,
    keys: stack.devstack,
    vars: { ...UNLIMITED, STORE_RAW_EVENTS: 'false' },
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
    const sent = await replay(worker.url, site, options);
    if (renew) clearInterval(renew);
    // Count once the objects' last flush (and the pushes that go with it) is done.
    await drained(worker.url, key, site);
    const minutes = (Date.now() - started) / 60_000;
    const after = await siteStats(worker.url, key, site);
    const counts: Counts = {
      beacons: sent.beacons,
      workerRequests: sent.beacons + watches,
      // Ingest calls, alarms and watch calls (the health reads between are not counted).
      durableObjectRequests:
        after.calls -
        before.calls +
        (after.alarms - before.alarms) +
        (after.watches - before.watches),
      analyticsEnginePoints: after.points - before.points,
      postgresCalls: proxy.total('/rest/v1/'),
      realtimeBroadcasts: proxy.total('/realtime/v1/api/broadcast'),
    };
    const visitorMinutes = options.visitors * minutes;
    const perVisitorMinute = Object.fromEntries(
      Object.entries(counts).map(([k, v]) => [k, round(v / visitorMinutes, 3)]),
    );
    const perMinute = Object.fromEntries(
      Object.entries(counts).map(([k, v]) => [k, round(v / minutes, 1)]),
    );
    log(
      `  ${watched ? 'watched' : 'unwatched'}: ${JSON.stringify(counts)} over ${round(minutes, 2)} min, failed beacons ${sent.failed}`,
    );
    return {
      watched,
      minutes: round(minutes, 3),
      visitorMinutes: round(visitorMinutes, 1),
      failedBeacons: sent.failed,
      watchCalls: watches,
      counts,
      perVisitorMinute,
      perMinute,
    };
  } finally {
    await worker.stop();
    await proxy.close();
  }
}

export async function benchCost(stack: DbStack, options: CostOptions, log: (s: string) => void) {
  const unwatched = await phase(stack, options, false, log);
  const watched = await phase(stack, options, true, log);
  return {
    benchmark: 'cost',
    what: 'Scripted visits at the tracker cadence (page view, heartbeat every 15 s while visible, a tab switch, a new page each minute, a final heartbeat on leaving), wire v2, one event per beacon, replayed in real time against the ingest Worker (Miniflare) on the devstack; counts per visitor-minute',
    visitors: options.visitors,
    secondsPerPhase: options.durationMs / 1000,
    kv: 'not observable in Miniflare; by design: site config read at most once per 15 s per isolate, rate-limit syncs only past 90 % of a limit, the live snapshot written only for public sites (at most once per second per shard)',
    unwatched,
    watched,
  };
}
