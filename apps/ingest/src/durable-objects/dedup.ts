/**
 * Exact duplicate detection by client event id within a window (5 s by default): reloads and
 * retried beacons count once. It lives in the site's Durable Object because that object sees
 * every event of the site in order, single-threaded; KV could not do this exactly (no
 * compare-and-set, and reads are eventually consistent across locations).
 */
export class Dedup {
  readonly #windowMs: number;
  readonly #seen = new Map<string, number>();
  #sweepAt = 0;

  constructor(windowMs = 5_000) {
    this.#windowMs = windowMs;
  }

  /**
   * True the first time `id` is offered within the window; false for a repeat.
   *
   * @example
   * if (!dedup.first(event.id, event.receivedAt)) continue;
   */
  first(id: string, now: number): boolean {
    if (now >= this.#sweepAt) this.#sweep(now);
    const expires = this.#seen.get(id);
    if (expires !== undefined && expires > now) return false;
    this.#seen.delete(id); // re-insert at the end: the map stays in expiry order
    this.#seen.set(id, now + this.#windowMs);
    return true;
  }

  get size(): number {
    return this.#seen.size;
  }

  #sweep(now: number): void {
    // Insertion order is expiry order (a constant window), so stop at the first live entry.
    for (const [id, expires] of this.#seen) {
      if (expires > now) break;
      this.#seen.delete(id);
    }
    this.#sweepAt = now + this.#windowMs;
  }
}
