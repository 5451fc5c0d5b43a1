// Types of token.js for workspace packages that import `@sightline/database/token` (this
// package checks token.js itself through its JSDoc).

/** `30d`, `12h`, `15m`, `90s` or plain seconds → seconds. */
export function parseTtl(ttl: string): number;

/** Signs a dashboard token (role `authenticated`, claim `site_ids`) for `siteIds`. */
export function signDashboardToken(options: {
  siteIds: string[];
  secret: string;
  ttlSeconds: number;
  now?: number;
}): Promise<string>;

/** The secret to sign with: the option, else SUPABASE_JWT_SECRET, else the local devstack's. */
export function resolveSecret(options: {
  secret?: string;
  env?: Record<string, string | undefined>;
  cwd?: string;
}): { secret: string; source: string };
