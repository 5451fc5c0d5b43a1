/**
 * Batching and delivery. Events are serialised when they are queued; after `flushMs` (or when a
 * batch is full, or the page hides) they go out as one text/plain JSON body — a CORS-safelisted
 * type, so no preflight — through `sendBeacon`, or through `fetch` with keepalive when the
 * beacon is refused. A failed fetch puts its events back in the bounded queue and retries with
 * backoff; their client ids let the Worker drop any that did arrive twice.
 */
import { MAX_BODY_BYTES, MAX_EVENTS_PER_BATCH, MAX_QUEUE } from './limits.js';

/**
 * JSON length × 3 bounds the UTF-8 size (no UTF-16 unit needs more than three bytes), so a
 * batch cut by this measure always fits the Worker's body cap; 1 KB covers the v2 envelope
 * (its ids and site id are bounded well below that).
 */
const BATCH_BUDGET = MAX_BODY_BYTES - 1024;

/**
 * Returns `[enqueue, flush]`: a pair, not an object, so both names minify away. `head` is the
 * batch envelope up to its events array, `{"v":2,…,"e":[`, written once per page load.
 */
export function createTransport(
  endpoint: string | URL,
  head: string,
  flushMs: number,
): [(event: unknown[]) => void, () => void] {
  let queue: string[] = [];
  /** Set while a flush is scheduled. A flush does not clear it: the timer then finds less. */
  let timer: unknown;
  let retryMs = flushMs;

  const flush = () => {
    for (timer = 0; queue[0];) {
      let count = 0;
      let size = 0;
      // Past the queue's end `?.length` is undefined and the sum NaN: no comparison holds.
      while (
        count < MAX_EVENTS_PER_BATCH &&
        (size += (queue[count]?.length as number) * 3) < BATCH_BUDGET
      ) {
        count++;
      }
      // An event too large for any batch still goes alone (and the Worker refuses it).
      const events = queue.splice(0, count || 1);
      // eslint-disable-next-line @typescript-eslint/restrict-plus-operands -- an array's string form is its items joined by commas: the body's events array, for fewer bytes than join()
      const body = head + events + ']}';
      // `?.`: without sendBeacon (old or locked-down browsers) the fetch carries it.
      if (!navigator.sendBeacon?.(endpoint, body)) {
        // no-cors: the answer is opaque, so a Worker without CORS headers is no failure and a
        // rejection means the network, or the browser's 64 KB budget for in-flight keepalive
        // requests: the events go back in the queue (behind it, so the oldest are the ones
        // dropped past MAX_QUEUE; order on the wire does not matter, events carry ts) and are
        // tried again, twice as late each time until something new is queued.
        fetch(endpoint, { method: 'POST', body, keepalive: true, mode: 'no-cors' }).catch(() => {
          queue = queue.concat(events).slice(-MAX_QUEUE);
          timer ||= setTimeout(flush, (retryMs *= 2));
        });
      }
    }
  };

  const enqueue = (event: unknown[]) => {
    retryMs = flushMs;
    // Flushing at a full batch keeps the queue within MAX_QUEUE even after failed sends.
    if (queue.push(JSON.stringify(event)) < MAX_EVENTS_PER_BATCH)
      timer ||= setTimeout(flush, flushMs);
    else flush();
  };

  return [enqueue, flush];
}
