/**
 * Coalesces the events of concurrent requests for one site into one SiteLive call per short
 * window. Under load, the Durable Object call per request, not the request's own work, limits
 * throughput (measured: a per-request DO call halves requests/s; see docs/ingest.md). The
 * request that opens a window owns it: it sends the batch from its own `waitUntil`, so no
 * promise or I/O is shared between request contexts; later requests only append to a plain
 * array. Costs up to WINDOW_MS of latency on the live layer, none on the beacon's answer.
 */
import { toDataPoint, type EnrichedEvent } from '@sightline/schema';
import { siteLive } from './site-live-stub.js';

/** Short against the 100 ms event-to-screen budget. */
const WINDOW_MS = 10;
/** Events per call: one call stays far below RPC and storage limits. */
const MAX_EVENTS = 500;

interface Pending {
  site: string;
  timezone: string;
  storeRaw: boolean;
  events: EnrichedEvent[];
}

const open = new Map<string, Pending>();

/**
 * Hands a request's accepted events to the site's object. Returns the promise the request must
 * `waitUntil` when it opened a window, or null when its events joined another request's window.
 *
 * @example
 * const sending = enqueue(env, site, enriched);
 * if (sending) c.executionCtx.waitUntil(sending);
 */
export function enqueue(
  env: Env,
  site: { id: string; timezone: string; storeRaw: boolean },
  events: EnrichedEvent[],
): Promise<void> | null {
  const current = open.get(site.id);
  if (current && current.events.length + events.length <= MAX_EVENTS) {
    for (const e of events) current.events.push(e);
    return null;
  }
  const pending: Pending = {
    site: site.id,
    timezone: site.timezone,
    storeRaw: site.storeRaw,
    events: [...events],
  };
  open.set(site.id, pending);
  return send(env, pending);
}

async function send(env: Env, pending: Pending): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, WINDOW_MS));
  if (open.get(pending.site) === pending) open.delete(pending.site);
  const accepted = new Set(await siteLive(env, pending.site).ingest(pending));
  // Analytics Engine: one point per accepted (non-duplicate) event; never awaited, and absent
  // locally unless bound.
  const ae = env.EVENTS_AE as AnalyticsEngineDataset | undefined;
  for (const e of pending.events) if (accepted.has(e.id)) ae?.writeDataPoint(toDataPoint(e));
}
