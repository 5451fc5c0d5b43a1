// Dashboard tokens: a JWT with role `authenticated` and the claim `site_ids`, signed (HS256)
// with the project's JWT secret. RLS (schemas/30_security.sql) reads exactly these claims.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import process from 'node:process';
import { SignJWT } from 'jose';

/** A bad --ttl or a missing secret: what the operator must fix, with a stable code. */
export class TokenError extends Error {
  override readonly name = 'TokenError';
  constructor(
    readonly code: 'INVALID_TTL' | 'NO_SECRET',
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
  secret: string;
  ttlSeconds: number;
  /** Milliseconds since the epoch; default now. */
  now?: number;
}

/**
 * Signs a dashboard token for `siteIds`.
 *
 * @example
 * const jwt = await signDashboardToken({ siteIds: ['demo'], secret, ttlSeconds: 3600 });
 */
export async function signDashboardToken({
  siteIds,
  secret,
  ttlSeconds,
  now = Date.now(),
}: DashboardTokenOptions): Promise<string> {
  const issuedAt = Math.floor(now / 1000);
  return new SignJWT({ role: 'authenticated', site_ids: siteIds })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer('sightline')
    .setSubject(`dashboard:${siteIds.join(',')}`)
    .setAudience('authenticated')
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + ttlSeconds)
    .sign(new TextEncoder().encode(secret));
}

/** The workspace root above `from` (holds pnpm-workspace.yaml), where `.sightline/` lives. */
function findRepoRoot(from: string): string | undefined {
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
  env?: Record<string, string | undefined>;
  cwd?: string;
}

/**
 * The secret to sign with: --secret, else SUPABASE_JWT_SECRET, else the local devstack's
 * (`<repo>/.sightline/devstack/secrets.json`, written by @sightline/devstack on first start).
 */
export function resolveSecret({ secret, env = process.env, cwd = process.cwd() }: SecretOptions): {
  secret: string;
  source: string;
} {
  if (secret) return { secret, source: '--secret' };
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
    'no JWT secret: pass --secret, set SUPABASE_JWT_SECRET, or start the local devstack (pnpm devstack) once',
  );
}
