/**
 * Batching and delivery. Events are serialised when they are queued; after `flushMs` (or when a
 * batch is full, or the page hides) they go out as one text/plain JSON body — a CORS-safelisted
 * type, so no preflight — through `sendBeacon`, or through `fetch` with keepalive when the
 * beacon is refused. A failed fetch puts its events back in the bounded queue and retries with
 * backoff; their client ids let the Worker drop any that did arrive twice.
 */
import type { Event } from '@sightline/schema';
import { MAX_BODY_BYTES, MAX_EVENTS_PER_BATCH, MAX_QUEUE, WIRE_VERSION } from './limits.js';

/**
 * JSON length × 3 bounds the UTF-8 size (no UTF-16 unit needs more than three bytes), so a
 * batch cut by this measure always fits the Worker's body cap; 256 bytes cover the envelope.
 */
const BATCH_BUDGET = MAX_BODY_BYTES - 256;

/** Returns `[enqueue, flush]`: a pair, not an object, so both names minify away. */
export function createTransport(
  endpoint: string,
  site: string,
  automated: boolean,
  flushMs: number,
): [(event: Event) => void, () => void] {
  let queue: string[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  let retryMs = flushMs;

  const send = (events: string[]) => {
    // The envelope is written by hand so queued events need no second serialisation.
    const body = `{"v":${WIRE_VERSION},"site":${JSON.stringify(site)},"events":[${events.join()}]${automated ? ',"automated":true' : ''}}`;
    // `?.`: without sendBeacon (old or locked-down browsers) the fetch below carries it.
    if (!navigator.sendBeacon?.(endpoint, body)) {
      // no-cors: the answer is opaque, so a Worker without CORS headers is no failure and a
      // rejection means the network: the events wait for the next flush.
      // A rejection also comes from the browser's 64 KB budget for in-flight keepalive
      // requests: try again later, waiting twice as long each time until something is queued.
      fetch(endpoint, { method: 'POST', body, keepalive: true, mode: 'no-cors' }).catch(() => {
        // Behind what is queued: batches fail in the order they were sent, so the oldest
        // events are the ones dropped past MAX_QUEUE. Order on the wire does not matter (ts).
        queue = queue.concat(events).slice(-MAX_QUEUE);
        timer ??= setTimeout(flush, (retryMs *= 2));
      });
    }
  };

  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    while (queue[0]) {
      let count = 0;
      let size = 0;
      while (
        queue[count] &&
        count < MAX_EVENTS_PER_BATCH &&
        (size += queue[count]!.length * 3) < BATCH_BUDGET
      ) {
        count++;
      }
      // An event too large for any batch still goes alone (and the Worker refuses it).
      send(queue.splice(0, count || 1));
    }
  };

  const enqueue = (event: Event) => {
    retryMs = flushMs;
    // Flushing at a full batch keeps the queue within MAX_QUEUE even after failed sends.
    if (queue.push(JSON.stringify(event)) >= MAX_EVENTS_PER_BATCH) flush();
    else timer ??= setTimeout(flush, flushMs);
  };

  return [enqueue, flush];
}
