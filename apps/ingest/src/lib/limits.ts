/**
 * The Worker's two rate limits: beacon requests per visitor source (salted daily IP hash) and
 * events per site, both per minute, from the isolate's `RateLimiter`. The per-source count is
 * kept in isolate memory only: the IP hash is never written anywhere durable (KV included), so
 * a source is limited per isolate; the per-site count is shared through KV past 90 %.
 */
import { IngestError } from './errors.js';
import { ipHash } from './ip-hash.js';
import { RateLimiter } from './rate-limit.js';

let limiter: RateLimiter | null = null;

/** The isolate's limiter (bound to the first KV namespace it sees). */
export function isolateLimiter(kv: KVNamespace): RateLimiter {
  limiter ??= new RateLimiter(kv);
  return limiter;
}

/**
 * Throws a 429 `IngestError` with Retry-After when either limit is exhausted.
 *
 * @example
 * await checkRateLimits(c.req.raw, c.env, site.id, batch.events.length);
 */
export async function checkRateLimits(
  request: Request,
  env: Env,
  site: string,
  events: number,
): Promise<void> {
  const rl = isolateLimiter(env.SITES_KV);
  const ip = request.headers.get('cf-connecting-ip') ?? 'unknown';
  const source = await ipHash(ip, env.IP_HASH_SALT);
  const perIp = await rl.take(
    `ip:${source}`,
    1,
    Number(env.RATE_LIMIT_IP_PER_MINUTE) || 600,
    Date.now(),
    { shared: false },
  );
  const perSite = perIp.ok
    ? await rl.take(`site:${site}`, events, Number(env.RATE_LIMIT_SITE_PER_MINUTE) || 120_000)
    : perIp;
  if (!perSite.ok) {
    throw new IngestError(429, 'rate_limited', 'too many events, slow down', {
      headers: { 'Retry-After': String(perSite.retryAfter) },
    });
  }
}
