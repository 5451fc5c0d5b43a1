/**
 * The visitor-source key for rate limiting: SHA-256 of a secret salt, the UTC day and the
 * client IP. It rotates at midnight UTC, cannot be reversed without the salt, and is held only
 * in isolate memory (the per-source rate-limit count, src/lib/limits.ts): neither it nor the IP
 * is written anywhere durable — not KV, Durable Object storage, Postgres, Analytics Engine or
 * logs.
 *
 * A source sends several beacons a visit, and the digest (an asynchronous WebCrypto call) was a
 * visible share of a beacon's CPU in a profile: the isolate keeps the day's recent hashes in
 * memory, bounded, under the same rule (memory only, gone with the isolate or the day).
 */

const encoder = new TextEncoder();

const MAX_CACHED = 4_096;
let cachedDay = '';
let cachedSalt = '';
const cached = new Map<string, string>();

/**
 * @example
 * await ipHash('203.0.113.7', env.IP_HASH_SALT) // '9f2c…' (32 hex characters)
 */
export async function ipHash(ip: string, salt: string, now = Date.now()): Promise<string> {
  const day = new Date(now).toISOString().slice(0, 10);
  if (day !== cachedDay || salt !== cachedSalt) {
    cached.clear();
    cachedDay = day;
    cachedSalt = salt;
  }
  const hit = cached.get(ip);
  if (hit !== undefined) return hit;
  const digest = await crypto.subtle.digest(
    'SHA-256',
    encoder.encode(`${salt}\u0000${day}\u0000${ip}`),
  );
  let hex = '';
  for (const byte of new Uint8Array(digest, 0, 16)) hex += byte.toString(16).padStart(2, '0');
  // Another request may have hashed it meanwhile (same value); the day may have turned.
  if (day === cachedDay && salt === cachedSalt) {
    if (cached.size >= MAX_CACHED) cached.clear();
    cached.set(ip, hex);
  }
  return hex;
}
