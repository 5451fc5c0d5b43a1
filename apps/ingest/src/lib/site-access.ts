/**
 * May this token see this site's live view? The database decides, as it does for every report:
 * a token may watch a site whose `sites` row it can read under RLS (supabase/schemas), asked
 * through PostgREST with the token itself. A yes is kept in the isolate until the token expires
 * (at most five minutes), so a dashboard renewing its watch costs no database call.
 */
import type { SupabaseEnv } from './supabase.js';

/** A yes lasts at most this long in the isolate (a revoked membership takes effect by then). */
const MAX_CACHE_MS = 300_000;
const MAX_ENTRIES = 5_000;
const allowed = new Map<string, number>();

/** The token's `exp` (ms), or null when it is not a readable JWT (PostgREST then decides). */
function expiry(token: string): number | null {
  try {
    const payload = token.split('.')[1];
    if (!payload) return null;
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const exp = (JSON.parse(json) as { exp?: unknown }).exp;
    return typeof exp === 'number' ? exp * 1000 : null;
  } catch {
    return null;
  }
}

export class SiteAccessError extends Error {
  override readonly name = 'SiteAccessError';
  readonly code = 'site_access_unavailable';
}

/**
 * True when `token` can read site `id`'s row; false for a token PostgREST refuses (bad,
 * expired) or one without access. Throws `SiteAccessError` when PostgREST cannot answer.
 *
 * @example
 * if (!(await canReadSite(env, token, 'demo'))) throw new IngestError(403, 'forbidden', '…');
 */
export async function canReadSite(
  env: SupabaseEnv,
  token: string,
  id: string,
  now = Date.now(),
): Promise<boolean> {
  const key = `${id}\u0000${token}`;
  const until = allowed.get(key);
  if (until !== undefined && until > now) return true;
  let response: Response;
  try {
    response = await fetch(
      `${env.SUPABASE_URL}/rest/v1/sites?select=id&id=eq.${encodeURIComponent(id)}`,
      {
        headers: { apikey: env.SUPABASE_SERVICE_ROLE_KEY, Authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(5_000),
      },
    );
  } catch (cause) {
    throw new SiteAccessError('PostgREST did not answer', { cause });
  }
  if (response.status === 401 || response.status === 403) {
    await response.body?.cancel();
    return false;
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new SiteAccessError(`PostgREST answered ${response.status}`);
  }
  const rows = await response.json<unknown[]>();
  if (!Array.isArray(rows) || rows.length === 0) return false;
  if (allowed.size >= MAX_ENTRIES) allowed.clear();
  const exp = expiry(token);
  allowed.set(key, Math.min(now + MAX_CACHE_MS, exp ?? now + 60_000));
  return true;
}
