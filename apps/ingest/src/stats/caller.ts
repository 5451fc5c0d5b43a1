/**
 * Who is asking the Stats API, and the token it reads Postgres with: a member's access token, a
 * service token or a share pass as they are (the database decides what they see), or a site's
 * API key (`sl_key_…`), counted per key and exchanged for a one-minute pass for its site (what a
 * service token of that one site reads). The rate limit of a key goes out in `RateLimit-*`
 * headers (IETF draft "RateLimit header fields for HTTP").
 */
import type { Context } from 'hono';
import type { AppEnv } from '../env.js';
import { fromPostgrest, type PostgrestFailure } from '../lib/db-errors.js';
import { IngestError } from '../lib/errors.js';
import { isolateLimiter } from '../lib/limits.js';
import { mintPass } from '../lib/passes.js';
import { siteAccess } from '../lib/site-access.js';
import { postgrest } from '../lib/supabase.js';
import { bearerToken, verifyToken } from '../lib/tokens.js';

export interface StatsCaller {
  /** The bearer the report RPCs are called with. */
  token: string;
  timeZone: string;
  /** Report cards hidden from this caller (share links). */
  hidden: string[];
}

const API_KEY = /^sl_key_[A-Za-z0-9_-]{43}$/;
const encoder = new TextEncoder();

async function keyDigest(key: string): Promise<string> {
  const bytes = new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(key)));
  return [...bytes.slice(0, 16)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Requests per minute per API key (`API_KEY_REQUESTS_PER_MINUTE`, default 120). */
function keyLimit(env: { API_KEY_REQUESTS_PER_MINUTE?: string }): number {
  const n = Number(env.API_KEY_REQUESTS_PER_MINUTE);
  return Number.isInteger(n) && n > 0 ? n : 120;
}

async function apiKeyToken(c: Context<AppEnv>, key: string, site: string): Promise<string> {
  const limit = keyLimit(c.env);
  // Counted before the lookup, by the key's hash: a flood of wrong keys never reaches Postgres.
  const taken = await isolateLimiter(c.env.SITES_KV).take(
    `apikey:${await keyDigest(key)}`,
    1,
    limit,
  );
  const headers = {
    'RateLimit-Limit': String(limit),
    'RateLimit-Remaining': String(taken.remaining),
    'RateLimit-Reset': String(taken.retryAfter),
    'RateLimit-Policy': `${limit};w=60`,
  };
  for (const [name, value] of Object.entries(headers)) c.header(name, value);
  if (!taken.ok)
    throw new IngestError(429, 'rate_limited', `at most ${limit} requests a minute per API key`, {
      headers: { ...headers, 'Retry-After': String(taken.retryAfter) },
    });
  const result: { data: unknown; error: PostgrestFailure | null } = await postgrest(
    c.env,
    5_000,
  ).rpc('api_key_site', { p_key: key });
  if (result.error) throw fromPostgrest(result.error);
  const [row] = (result.data ?? []) as { id: string; site_id: string }[];
  if (!row) throw new IngestError(401, 'invalid_api_key', 'this API key is unknown or revoked');
  if (row.site_id !== site)
    throw new IngestError(403, 'not_readable', `this API key does not read site "${site}"`);
  const pass = await mintPass(c.env, 'live', {
    role: 'authenticated',
    // A StringOrURI (RFC 7519): the scheme of a URI has no underscore.
    sub: `apikey:${row.id}`,
    site_ids: [site],
  });
  return pass.token;
}

/**
 * @example
 * const { token, timeZone } = await statsCaller(c, 'shop');
 */
export async function statsCaller(c: Context<AppEnv>, site: string): Promise<StatsCaller> {
  const bearer = bearerToken(c.req.raw);
  if (!bearer)
    throw new IngestError(
      401,
      'invalid_token',
      'send a token or an API key as `Authorization: Bearer …`',
      {
        headers: { 'WWW-Authenticate': 'Bearer' },
      },
    );
  let token = bearer;
  if (bearer.startsWith('sl_key_')) {
    if (!API_KEY.test(bearer))
      throw new IngestError(401, 'invalid_api_key', 'this is not an API key');
    token = await apiKeyToken(c, bearer, site);
  } else {
    await verifyToken(c.env, bearer);
  }
  const access = await siteAccess(c.env, token, site);
  return { token, timeZone: access.site.timezone, hidden: access.hidden };
}
