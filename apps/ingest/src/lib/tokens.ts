/**
 * Verifies the bearer tokens the Worker's dashboard routes take: users' access tokens (signed by
 * the project's asymmetric JWT signing keys, published at `<project>/auth/v1/.well-known/
 * jwks.json` and fetched through jose's remote key set, cached per isolate), the Worker's own
 * passes (its signing key, verified locally), and, where the project still trusts its legacy JWT
 * secret and the Worker holds it as an `oct` key, HS256 tokens such as `pnpm sightline token`'s.
 * Every token needs audience `authenticated` and an unexpired `exp`; asymmetric ones the
 * project's issuer; `alg: none` and any other algorithm are refused.
 */
import {
  createRemoteJWKSet,
  decodeProtectedHeader,
  errors,
  jwtVerify,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
import { IngestError } from './errors.js';
import { signingKey } from './signing-key.js';

export const AUDIENCE = 'authenticated';

export interface TokenClaims extends JWTPayload {
  role?: string;
  site_ids?: unknown;
  share?: unknown;
  sightline_pass?: unknown;
}

export interface TokenEnv {
  SUPABASE_URL: string;
  SIGHTLINE_SIGNING_KEY?: string;
}

/** `iss` of the project's user tokens (and of the Worker's passes). */
export const authIssuer = (env: { SUPABASE_URL: string }): string => `${env.SUPABASE_URL}/auth/v1`;

/**
 * Supabase caches the key set for 10 minutes at its edge; keys rotate with overlap. A token with
 * an unknown `kid` makes jose refetch, at most every 30 s (so forged kids cannot hammer Auth).
 */
const keySets = new Map<string, JWTVerifyGetKey>();
function projectKeys(env: { SUPABASE_URL: string }): JWTVerifyGetKey {
  const url = `${authIssuer(env)}/.well-known/jwks.json`;
  let keys = keySets.get(url);
  if (!keys) {
    keys = createRemoteJWKSet(new URL(url), {
      cacheMaxAge: 600_000,
      cooldownDuration: 30_000,
      timeoutDuration: 5_000,
    });
    keySets.set(url, keys);
  }
  return keys;
}

function refused(code: 'invalid_token' | 'token_expired', message: string, cause?: unknown) {
  return new IngestError(401, code, message, {
    cause,
    headers: { 'WWW-Authenticate': `Bearer error="invalid_token"` },
  });
}

/** The token of `Authorization: Bearer …`, or null. */
export function bearerToken(request: Request): string | null {
  return /^Bearer\s+(\S+)\s*$/i.exec(request.headers.get('authorization') ?? '')?.[1] ?? null;
}

/**
 * @example
 * const claims = await verifyToken(env, bearerToken(c.req.raw) ?? '');
 */
export async function verifyToken(env: TokenEnv, token: string): Promise<TokenClaims> {
  if (!token) throw refused('invalid_token', 'a bearer token is required');
  let header;
  try {
    header = decodeProtectedHeader(token);
  } catch (cause) {
    throw refused('invalid_token', 'not a JWT', cause);
  }
  try {
    if (header.alg === 'ES256' || header.alg === 'RS256') {
      const own = env.SIGHTLINE_SIGNING_KEY ? await signingKey(env).catch(() => null) : null;
      const local = own && own.alg === header.alg && own.kid === header.kid ? own : null;
      const { payload } = local
        ? await jwtVerify<TokenClaims>(token, local.publicKey, {
            algorithms: [header.alg],
            issuer: authIssuer(env),
            audience: AUDIENCE,
          })
        : await jwtVerify<TokenClaims>(token, projectKeys(env), {
            algorithms: ['ES256', 'RS256'],
            issuer: authIssuer(env),
            audience: AUDIENCE,
          });
      return payload;
    }
    if (header.alg === 'HS256') {
      const own = env.SIGHTLINE_SIGNING_KEY ? await signingKey(env) : null;
      if (own?.alg !== 'HS256')
        throw refused(
          'invalid_token',
          'HS256 tokens are not accepted: the project signs with JWKS',
        );
      const { payload } = await jwtVerify<TokenClaims>(token, own.publicKey, {
        algorithms: ['HS256'],
        audience: AUDIENCE,
      });
      return payload;
    }
  } catch (error) {
    if (error instanceof IngestError) throw error;
    if (error instanceof errors.JWTExpired)
      throw refused('token_expired', 'the token has expired', error);
    const message =
      error instanceof errors.JWTClaimValidationFailed
        ? `the token's ${error.claim} is not accepted`
        : error instanceof errors.JOSEError
          ? `the token was refused (${error.code})`
          : 'the token could not be verified';
    throw refused('invalid_token', message, error);
  }
  throw refused('invalid_token', `tokens signed with ${String(header.alg)} are not accepted`);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A signed-in user's id: role authenticated and a UUID subject (not a service token). */
export function userIdOf(claims: TokenClaims): string | null {
  return claims.role === 'authenticated' && typeof claims.sub === 'string' && UUID.test(claims.sub)
    ? claims.sub
    : null;
}

/** The share link a share pass names, or null. */
export function shareLinkOf(claims: TokenClaims): string | null {
  return claims.role === 'anon' && typeof claims.share === 'string' && UUID.test(claims.share)
    ? claims.share
    : null;
}
