/**
 * Batching and delivery. Events are serialised when they are queued; after `flushMs` (or when a
 * batch is full, or the page hides) they go out as one text/plain JSON body — a CORS-safelisted
 * type, so no preflight — through `navigator.sendBeacon`. A beacon the browser refuses (its
 * 64 KB budget for data in flight, which fetch's `keepalive` shares, or a blocked or missing
 * sendBeacon) goes back into the bounded queue and is tried again with backoff; the events'
 * client ids let the Worker drop any that arrive twice.
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
  /** Set while a flush or retry is scheduled: one at a time. */
  let timer: unknown;
  let retryMs = flushMs;

  /**
   * Schedule a flush in `ms`, or a retry twice as late as the last one, unless one is already
   * scheduled. The scheduled flush clears `timer` first, so it can schedule the next.
   */
  const later = (ms?: number) =>
    (timer ||= setTimeout(() => flush((timer = 0)), ms || (retryMs *= 2)));

  const flush = (_?: unknown) => {
    while (queue[0]) {
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
      if (!navigator.sendBeacon?.(endpoint, head + events + ']}')) {
        // Refused: back in front (the oldest are the ones dropped past MAX_QUEUE), tried again
        // twice as late each time until something new is queued.
        queue = events.concat(queue).slice(-MAX_QUEUE);
        later();
        return;
      }
    }
  };

  const enqueue = (event: unknown[]) => {
    retryMs = flushMs;
    // Flushing at a full batch keeps the queue within MAX_QUEUE even after refused beacons.
    if (queue.push(JSON.stringify(event)) < MAX_EVENTS_PER_BATCH) later(flushMs);
    else flush();
  };

  return [enqueue, flush];
}
