/**
 * Passes: short-lived tokens the Worker mints with its signing key (see signing-key.ts) so that
 * dashboards watch a site's live topic, and share links read a site, only while they are
 * allowed. Realtime authorises a private channel when it is joined and again when its token is
 * refreshed or expires (supabase/schemas/42_live_access.sql admits tokens of at most two
 * minutes), so a pass of LIVE_PASS_TTL_SECONDS (default 60) that the dashboard renews bounds how
 * long a removed member or a revoked link keeps an open channel.
 */
import { SignJWT } from 'jose';
import { signingKey } from './signing-key.js';
import { AUDIENCE, authIssuer } from './tokens.js';

export interface PassEnv {
  SUPABASE_URL: string;
  SIGHTLINE_SIGNING_KEY?: string;
  LIVE_PASS_TTL_SECONDS?: string;
}

/** Pass lifetime: 5 to 120 s (the live topic refuses longer-lived tokens). */
export function passSeconds(env: PassEnv): number {
  const n = Number(env.LIVE_PASS_TTL_SECONDS);
  return Number.isInteger(n) && n >= 5 && n <= 120 ? n : 60;
}

export interface Pass {
  token: string;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

/**
 * A member's or service token's identity for a minute (`{ role: 'authenticated', sub }` or
 * `{ …, site_ids }`), or a share link's (`{ role: 'anon', share }`).
 *
 * @example
 * const { token, expiresAt } = await mintPass(env, 'live', { role: 'authenticated', sub });
 */
export async function mintPass(
  env: PassEnv,
  kind: 'live' | 'share',
  claims: Record<string, unknown>,
  now = Date.now(),
): Promise<Pass> {
  const key = await signingKey(env);
  const issuedAt = Math.floor(now / 1000);
  const exp = issuedAt + passSeconds(env);
  const token = await new SignJWT({ ...claims, sightline_pass: kind })
    .setProtectedHeader({ alg: key.alg, typ: 'JWT', ...(key.kid ? { kid: key.kid } : {}) })
    .setIssuer(authIssuer(env))
    .setAudience(AUDIENCE)
    .setIssuedAt(issuedAt)
    .setExpirationTime(exp)
    .sign(key.privateKey);
  return { token, expiresAt: exp * 1000 };
}
