/**
 * What a caller may see of a site, asked of the database as the caller (`site_access`, with
 * their token): the database's membership, share-link and public-dashboard rules decide, never
 * the Worker.
 */
import { fromPostgrest, type PostgrestFailure } from './db-errors.js';
import { asCaller } from './supabase.js';

export interface SiteAccess {
  site: { id: string; name: string; timezone: string; public_live: boolean };
  /** owner, admin, viewer, service, share or public. */
  access: string;
  /** Report cards hidden from this caller ('live': the live view). */
  hidden: string[];
}

/**
 * @example
 * const { access } = await siteAccess(env, token, 'shop'); // 'viewer'
 */
export async function siteAccess(
  env: { SUPABASE_URL: string; SUPABASE_PUBLISHABLE_KEY: string },
  token: string,
  site: string,
): Promise<SiteAccess> {
  const result: { data: unknown; error: PostgrestFailure | null } = await asCaller(env, token).rpc(
    'site_access',
    { p_site: site },
  );
  if (result.error) throw fromPostgrest(result.error);
  return result.data as SiteAccess;
}
