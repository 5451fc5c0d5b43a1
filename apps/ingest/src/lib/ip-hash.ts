/**
 * The visitor-source key for rate limiting: SHA-256 of a secret salt, the UTC day and the
 * client IP. It rotates at midnight UTC, cannot be reversed without the salt, and is held only
 * in isolate memory (the per-source rate-limit count, src/lib/limits.ts): neither it nor the IP
 * is written anywhere durable — not KV, Durable Object storage, Postgres, Analytics Engine or
 * logs.
 */

const encoder = new TextEncoder();

/**
 * @example
 * await ipHash('203.0.113.7', env.IP_HASH_SALT) // '9f2c…' (32 hex characters)
 */
export async function ipHash(ip: string, salt: string, now = Date.now()): Promise<string> {
  const day = new Date(now).toISOString().slice(0, 10);
  const digest = await crypto.subtle.digest(
    'SHA-256',
    encoder.encode(`${salt}\u0000${day}\u0000${ip}`),
  );
  let hex = '';
  for (const byte of new Uint8Array(digest, 0, 16)) hex += byte.toString(16).padStart(2, '0');
  return hex;
}
