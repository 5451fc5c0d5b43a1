/**
 * The retry decision. Idempotent methods may be repeated after any transient failure; a write
 * (POST, PATCH) may have landed even when no response came back, so it is repeated only when the
 * server answered 429/503 with `Retry-After`, which says the request was refused, not processed.
 */
import type { RetryOptions } from './types.js';

const IDEMPOTENT = /^(GET|HEAD|PUT|DELETE|OPTIONS)$/;

/**
 * Milliseconds to wait before the next attempt, or `undefined` to stop.
 *
 * @example retryDelay({}, 0, 'GET', new Response(null, { status: 503 })) // 0..200
 */
export const retryDelay = (
  o: RetryOptions,
  attempt: number,
  method: string,
  res?: Response,
): number | undefined => {
  if (attempt >= (o.retries ?? 3)) return;
  const cap = o.maxDelayMs ?? 5000;
  const idempotent = o.idempotent ?? IDEMPOTENT.test(method);
  if (res) {
    const s = res.status;
    const after = res.headers.get('retry-after');
    if (after != null && (s == 429 || s == 503)) {
      // Retry-After in delta-seconds, the form PostgREST and Cloudflare send. The HTTP-date form
      // (RFC 9110 §10.2.3) parses to NaN, which fails the test below: no retry rather than a guess.
      const ms = +after * 1000;
      return ms <= cap ? Math.max(0, ms) : undefined;
    }
    // 520 is Cloudflare's "origin returned something unexpected": worth one more read.
    if (!idempotent || (s != 503 && s != 520)) return;
  } else if (!idempotent) return;
  // Full jitter (AWS architecture blog, "Exponential Backoff And Jitter"): spreads herds.
  return Math.random() * Math.min(cap, (o.baseDelayMs ?? 200) * 2 ** attempt);
};
