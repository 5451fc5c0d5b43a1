/**
 * Coalesces the events of concurrent requests for one site (for each live shard of a sharded
 * site) into one SiteLive call per short window. Under load, the Durable Object call per
 * request, not the request's own work, limits throughput (measured: a per-request DO call halves
 * requests/s; see docs/ingest.md). The
 * request that opens a window owns it: it sends the batch from its own `waitUntil`, so no
 * promise or I/O is shared between request contexts; later requests only append to a plain
 * array. Costs up to WINDOW_MS of latency on the live layer, none on the beacon's answer.
 * The object writes the Analytics Engine points (it alone knows their measures), at most one per
 * event, so a call's events stay within Analytics Engine's points per invocation.
 */
import type { SpikeAlertCall } from '../durable-objects/spike-alert.js';
import {
  AE_LIMITS,
  liveShard,
  type ContentGroupRule,
  type EnrichedEvent,
  type Goal,
} from '@sightline/schema';
import { liveShardCount, siteLive } from './site-live-stub.js';

/** Short against the 100 ms event-to-screen budget. */
const WINDOW_MS = 10;
/**
 * Events per call: the object writes up to one data point per event in that one invocation, and
 * Analytics Engine takes at most 250 per invocation (developers.cloudflare.com/analytics/
 * analytics-engine/limits); far below RPC and storage limits too.
 */
const MAX_EVENTS = AE_LIMITS.pointsPerInvocation;

interface Pending {
  /** `<site>#<shard>`: the window's key. */
  key: string;
  site: string;
  shard: number;
  shards: number;
  timezone: string;
  storeRaw: boolean;
  publicLive: boolean;
  goals: readonly Goal[];
  contentGroups: readonly ContentGroupRule[];
  spikeAlert: SpikeAlertCall | null;
  events: EnrichedEvent[];
}

/** What the object needs to know about the site besides its events. */
export interface BatchSite {
  id: string;
  timezone: string;
  storeRaw: boolean;
  /** The site publishes its live count (`sites.public_live`): the object keeps the KV snapshot. */
  publicLive: boolean;
  goals: readonly Goal[];
  contentGroups: readonly ContentGroupRule[];
  /** The site's spike alert with its name, decided by the object (durable-objects/spike-alert.ts). */
  spikeAlert: SpikeAlertCall | null;
}

const open = new Map<string, Pending>();

/**
 * Hands a request's accepted events to the site's object (split by shard for a sharded site).
 * Returns the promise the request must `waitUntil` when it opened a window (or a new window of
 * one of its shards), or null when its events all joined other requests' windows.
 *
 * @example
 * const sending = enqueue(env, site, enriched);
 * if (sending) c.executionCtx.waitUntil(sending);
 */
export function enqueue(env: Env, site: BatchSite, events: EnrichedEvent[]): Promise<void> | null {
  const shards = liveShardCount(env, site.id);
  if (shards === 1) return add(env, site, 0, 1, events);
  const byShard = new Map<number, EnrichedEvent[]>();
  for (const e of events) {
    const shard = liveShard(e.visitor, shards);
    const list = byShard.get(shard);
    if (list) list.push(e);
    else byShard.set(shard, [e]);
  }
  const sending: Promise<void>[] = [];
  for (const [shard, list] of byShard) {
    const p = add(env, site, shard, shards, list);
    if (p) sending.push(p);
  }
  if (sending.length === 0) return null;
  return sending.length === 1 ? sending[0]! : Promise.all(sending).then(() => undefined);
}

function add(
  env: Env,
  site: BatchSite,
  shard: number,
  shards: number,
  events: EnrichedEvent[],
): Promise<void> | null {
  const key = `${site.id}#${shard}`;
  const current = open.get(key);
  if (
    current &&
    current.shards === shards &&
    current.publicLive === site.publicLive &&
    current.events.length + events.length <= MAX_EVENTS
  ) {
    for (const e of events) current.events.push(e);
    return null;
  }
  const pending: Pending = {
    key,
    site: site.id,
    shard,
    shards,
    timezone: site.timezone,
    storeRaw: site.storeRaw,
    publicLive: site.publicLive,
    goals: site.goals,
    contentGroups: site.contentGroups,
    spikeAlert: site.spikeAlert,
    events: [...events],
  };
  open.set(key, pending);
  return send(env, pending);
}

async function send(env: Env, pending: Pending): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, WINDOW_MS));
  if (open.get(pending.key) === pending) open.delete(pending.key);
  const {
    site,
    shard,
    shards,
    timezone,
    storeRaw,
    publicLive,
    goals,
    contentGroups,
    spikeAlert,
    events,
  } = pending;
  await siteLive(env, site, shard).ingest({
    site,
    shard,
    shards,
    timezone,
    storeRaw,
    publicLive,
    goals: [...goals],
    contentGroups: [...contentGroups],
    spikeAlert,
    events,
  });
}
