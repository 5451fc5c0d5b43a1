// Dashboard tokens: a JWT with role `authenticated` and the claim `site_ids`, signed (HS256)
// with the project's JWT secret. RLS (migrations/0004_security.sql) reads exactly these claims.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import process from 'node:process';
import { TextEncoder } from 'node:util';
import { SignJWT } from 'jose';

/**
 * `30d`, `12h`, `15m`, `90s` or plain seconds → seconds.
 * @param {string} ttl
 * @returns {number}
 */
export function parseTtl(ttl) {
  const match = /^(\d+)([smhdw]?)$/.exec(String(ttl).trim());
  if (!match) throw new Error(`invalid --ttl "${ttl}": use e.g. 30d, 12h, 15m or seconds`);
  /** @type {Record<string, number>} */
  const units = { '': 1, s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };
  const unit = units[match[2] ?? ''];
  const seconds = Number(match[1]) * (unit ?? 1);
  if (seconds <= 0) throw new Error('--ttl must be positive');
  return seconds;
}

/**
 * Signs a dashboard token for `siteIds`.
 *
 * @example
 * const jwt = await signDashboardToken({ siteIds: ['demo'], secret, ttlSeconds: 3600 });
 * @param {{ siteIds: string[], secret: string, ttlSeconds: number, now?: number }} options
 * @returns {Promise<string>}
 */
export async function signDashboardToken({ siteIds, secret, ttlSeconds, now = Date.now() }) {
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

/**
 * The workspace root above `from` (holds pnpm-workspace.yaml), where `.sightline/` lives.
 * @param {string} from
 * @returns {string | undefined}
 */
function findRepoRoot(from) {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * The secret to sign with: --secret, else SUPABASE_JWT_SECRET, else the local devstack's
 * (`<repo>/.sightline/devstack/secrets.json`, written by @sightline/devstack on first start).
 * @param {{ secret?: string, env?: Record<string, string | undefined>, cwd?: string }} options
 * @returns {{ secret: string, source: string }}
 */
export function resolveSecret({ secret, env = process.env, cwd = process.cwd() }) {
  if (secret) return { secret, source: '--secret' };
  if (env.SUPABASE_JWT_SECRET)
    return { secret: env.SUPABASE_JWT_SECRET, source: 'SUPABASE_JWT_SECRET' };
  const root = findRepoRoot(cwd);
  const file = root && join(root, '.sightline', 'devstack', 'secrets.json');
  if (file && existsSync(file)) {
    const { jwtSecret } = /** @type {{ jwtSecret?: unknown }} */ (
      JSON.parse(readFileSync(file, 'utf8'))
    );
    if (typeof jwtSecret === 'string' && jwtSecret) return { secret: jwtSecret, source: file };
  }
  throw new Error(
    'no JWT secret: pass --secret, set SUPABASE_JWT_SECRET, or start the local devstack (pnpm devstack) once',
  );
}
