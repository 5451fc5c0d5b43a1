// Service tokens for automation: a JWT with role `authenticated` and the claim `site_ids` (no
// user), which reads those sites' reports and rows as a member would (supabase/schemas/
// 03_access.sql). People sign in with Supabase Auth instead. Signed with a key the project
// trusts: a signing key imported into it (a private JWK, ES256 or RS256: `sightline
// signing-key`), or the legacy JWT secret (HS256) while the project still accepts it.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import process from 'node:process';
import { importJWK, SignJWT, type CryptoKey, type JWK } from 'jose';

/** A bad --ttl or a missing secret: what the operator must fix, with a stable code. */
export class TokenError extends Error {
  override readonly name = 'TokenError';
  constructor(
    readonly code: 'INVALID_TTL' | 'NO_SECRET' | 'INVALID_KEY' | 'NO_ISSUER',
    message: string,
  ) {
    super(message);
  }
}

const UNITS: Record<string, number> = { '': 1, s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/** `30d`, `12h`, `15m`, `90s`, `1w` or plain seconds → seconds. */
export function parseTtl(ttl: string): number {
  const match = /^(\d+)([smhdw]?)$/.exec(String(ttl).trim());
  if (!match)
    throw new TokenError(
      'INVALID_TTL',
      `invalid --ttl "${ttl}": use e.g. 30d, 12h, 15m or seconds`,
    );
  const seconds = Number(match[1]) * (UNITS[match[2] ?? ''] ?? 1);
  if (seconds <= 0) throw new TokenError('INVALID_TTL', '--ttl must be positive');
  return seconds;
}

export interface DashboardTokenOptions {
  siteIds: string[];
  /** The legacy JWT secret (HS256); or give `key`. */
  secret?: string;
  /** A private JWK the project trusts: EC P-256 (ES256), RSA (RS256) or oct (HS256). */
  key?: JWK;
  /**
   * `iss`: the project's Auth URL (`https://<ref>.supabase.co/auth/v1`), required with an
   * asymmetric key (the Worker checks it); default `sightline` for HS256.
   */
  issuer?: string;
  ttlSeconds: number;
  /** Milliseconds since the epoch; default now. */
  now?: number;
}

/** The algorithm a private JWK signs with, and the key. */
export async function importSigningKey(
  jwk: JWK,
): Promise<{ alg: 'ES256' | 'RS256' | 'HS256'; key: CryptoKey | Uint8Array; kid?: string }> {
  const alg =
    jwk.kty === 'EC' && jwk.crv === 'P-256'
      ? 'ES256'
      : jwk.kty === 'RSA' && jwk.d
        ? 'RS256'
        : jwk.kty === 'oct' && jwk.k
          ? 'HS256'
          : null;
  if (!alg || (alg === 'ES256' && !jwk.d))
    throw new TokenError(
      'INVALID_KEY',
      'the key must be a private JWK: EC P-256, RSA, or oct (the legacy secret)',
    );
  try {
    return { alg, key: (await importJWK(jwk, alg)) as CryptoKey | Uint8Array, kid: jwk.kid };
  } catch (cause) {
    throw new TokenError('INVALID_KEY', `the key could not be imported: ${String(cause)}`);
  }
}

/**
 * Signs a service token for `siteIds`.
 *
 * @example
 * const jwt = await signDashboardToken({ siteIds: ['demo'], secret, ttlSeconds: 3600 });
 */
export async function signDashboardToken({
  siteIds,
  secret,
  key,
  issuer,
  ttlSeconds,
  now = Date.now(),
}: DashboardTokenOptions): Promise<string> {
  if (!key && !secret)
    throw new TokenError('NO_SECRET', 'a key or the legacy JWT secret is needed');
  const issuedAt = Math.floor(now / 1000);
  const signer = key
    ? await importSigningKey(key)
    : { alg: 'HS256' as const, key: new TextEncoder().encode(secret), kid: undefined };
  if (signer.alg !== 'HS256' && !issuer)
    throw new TokenError(
      'NO_ISSUER',
      "an asymmetric key needs the project's URL (--url or SUPABASE_URL) for the token's issuer",
    );
  return new SignJWT({ role: 'authenticated', site_ids: siteIds })
    .setProtectedHeader({ alg: signer.alg, typ: 'JWT', ...(signer.kid ? { kid: signer.kid } : {}) })
    .setIssuer(issuer ?? 'sightline')
    .setSubject(`service:${siteIds.join(',')}`)
    .setAudience('authenticated')
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + ttlSeconds)
    .sign(signer.key);
}

/** The workspace root above `from` (holds pnpm-workspace.yaml), where `.sightline/` lives. */
export function findRepoRoot(from: string): string | undefined {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

export interface SecretOptions {
  secret?: string | undefined;
  /** A private JWK as JSON, or the path of a file holding one. */
  key?: string | undefined;
  env?: Record<string, string | undefined>;
  cwd?: string;
}

export type Signer = { key: JWK; secret?: undefined } | { secret: string; key?: undefined };

function parseKey(text: string, where: string): JWK {
  try {
    const jwk = JSON.parse(text) as unknown;
    if (typeof jwk === 'object' && jwk !== null && !Array.isArray(jwk)) return jwk;
  } catch {
    // Reported below.
  }
  throw new TokenError('INVALID_KEY', `${where} is not a JWK (JSON object)`);
}

/**
 * What to sign with, first found: --key (a JWK, or a file of one), --secret,
 * SIGHTLINE_SIGNING_KEY, SUPABASE_JWT_SECRET, else the local devstack's legacy secret
 * (`<repo>/.sightline/devstack/secrets.json`, written by @sightline/devstack on first start).
 */
export function resolveSigner({
  secret,
  key,
  env = process.env,
  cwd = process.cwd(),
}: SecretOptions): Signer & { source: string } {
  if (key) {
    const text = key.trimStart().startsWith('{') ? key : readFileSync(resolve(cwd, key), 'utf8');
    return { key: parseKey(text, '--key'), source: '--key' };
  }
  if (secret) return { secret, source: '--secret' };
  if (env.SIGHTLINE_SIGNING_KEY)
    return {
      key: parseKey(env.SIGHTLINE_SIGNING_KEY, 'SIGHTLINE_SIGNING_KEY'),
      source: 'SIGHTLINE_SIGNING_KEY',
    };
  if (env.SUPABASE_JWT_SECRET)
    return { secret: env.SUPABASE_JWT_SECRET, source: 'SUPABASE_JWT_SECRET' };
  const root = findRepoRoot(cwd);
  const file = root && join(root, '.sightline', 'devstack', 'secrets.json');
  if (file && existsSync(file)) {
    const { jwtSecret } = JSON.parse(readFileSync(file, 'utf8')) as { jwtSecret?: unknown };
    if (typeof jwtSecret === 'string' && jwtSecret) return { secret: jwtSecret, source: file };
  }
  throw new TokenError(
    'NO_SECRET',
    'no signing key: pass --key or --secret, set SIGHTLINE_SIGNING_KEY or SUPABASE_JWT_SECRET, or start the local devstack (pnpm devstack) once',
  );
}
