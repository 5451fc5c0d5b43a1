/**
 * Fixed-window rate limiting that costs no KV operation for normal traffic. Each isolate counts
 * in memory; only once its estimate passes 90 % of a limit does it sync a SHARED key with KV
 * (read the shared count, add what it accepted since the last sync), at most once a second per
 * key — KV allows about one write per second per key. One isolate alone is exact; isolates that
 * share a key converge within a second once any of them is past 90 %. A key taken with
 * `shared: false` never leaves the isolate's memory (keys derived from a visitor's IP: they
 * must not be written anywhere durable).
 */

export interface RateLimitResult {
  ok: boolean;
  /** Seconds until the current window ends (for Retry-After). */
  retryAfter: number;
  /** What is left of the limit in this window, as this isolate knows it. */
  remaining: number;
}

interface WindowState {
  window: number;
  /** Shared count as of the last sync, this isolate's pushes included. */
  known: number;
  /** Accepted here since the last sync. */
  local: number;
  syncedAt: number;
}

export interface RateLimiterOptions {
  windowMs?: number;
  /** Fraction of the limit below which KV is never touched. */
  syncThreshold?: number;
  /** Minimum time between two syncs of one key. */
  syncIntervalMs?: number;
  /** Cap on tracked keys per isolate; the oldest are dropped past it. */
  maxKeys?: number;
}

/** KV's minimum expirationTtl is 60 s; two windows keep a count alive until its window ends. */
const KV_TTL_S = 120;

export class RateLimiter {
  readonly #kv: KVNamespace;
  readonly #windowMs: number;
  readonly #threshold: number;
  readonly #syncIntervalMs: number;
  readonly #maxKeys: number;
  readonly #states = new Map<string, WindowState>();
  /** KV reads and writes made so far (benchmarks and tests read it). */
  kvOps = 0;

  constructor(kv: KVNamespace, options: RateLimiterOptions = {}) {
    this.#kv = kv;
    this.#windowMs = options.windowMs ?? 60_000;
    this.#threshold = options.syncThreshold ?? 0.9;
    this.#syncIntervalMs = options.syncIntervalMs ?? 1_000;
    this.#maxKeys = options.maxKeys ?? 50_000;
  }

  /**
   * Takes `cost` units from `key`'s budget of `limit` per window.
   *
   * @example
   * const { ok, retryAfter } = await limiter.take(`site:${id}`, events, 120_000);
   */
  async take(
    key: string,
    cost: number,
    limit: number,
    now = Date.now(),
    options: { shared?: boolean } = {},
  ): Promise<RateLimitResult> {
    const window = Math.floor(now / this.#windowMs);
    const retryAfter = Math.max(1, Math.ceil(((window + 1) * this.#windowMs - now) / 1000));
    let state = this.#states.get(key);
    if (!state || state.window !== window) {
      state = { window, known: 0, local: 0, syncedAt: -Infinity };
      this.#remember(key, state);
    }
    const estimate = state.known + state.local;
    if (
      options.shared !== false &&
      estimate + cost > this.#threshold * limit &&
      now - state.syncedAt >= this.#syncIntervalMs
    ) {
      await this.#sync(key, state, now);
    }
    const used = state.known + state.local;
    if (used + cost > limit) return { ok: false, retryAfter, remaining: Math.max(0, limit - used) };
    state.local += cost;
    return { ok: true, retryAfter, remaining: limit - used - cost };
  }

  async #sync(key: string, state: WindowState, now: number): Promise<void> {
    const kvKey = `rl:${key}:${state.window}`;
    state.syncedAt = now;
    try {
      this.kvOps++;
      const shared = Number((await this.#kv.get(kvKey)) ?? 0) || 0;
      // Only what was accepted up to now is pushed: requests accepted while the put is in flight
      // stay in `local` for the next sync (zeroing it here lost them and over-admitted).
      const pushed = state.local;
      const total = Math.max(shared, state.known) + pushed;
      if (pushed > 0) {
        this.kvOps++;
        await this.#kv.put(kvKey, String(total), { expirationTtl: KV_TTL_S });
      }
      state.known = total;
      state.local -= pushed;
    } catch {
      // KV unavailable or over its write rate: keep counting locally, sync next interval.
    }
  }

  #remember(key: string, state: WindowState): void {
    if (this.#states.size >= this.#maxKeys) {
      const oldest = this.#states.keys().next();
      if (!oldest.done) this.#states.delete(oldest.value);
    }
    this.#states.delete(key);
    this.#states.set(key, state);
  }
}
