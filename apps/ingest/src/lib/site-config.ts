/**
 * Site configuration: the `sites` row, read through PostgREST with the service key and cached
 * twice, in the isolate (hot path: no I/O at all) and in KV (shared by isolates, spares Postgres
 * a round trip per cold isolate). Unknown sites are cached too, so random ids cannot hammer
 * Postgres.
 */
import { postgrest } from './supabase.js';

export interface SiteConfig {
  id: string;
  name: string;
  domains: string[];
  public_live: boolean;
  timezone: string;
  store_raw: boolean;
}

/** In-isolate freshness: short, so a changed domain list applies within seconds. */
const ISOLATE_TTL_MS = 15_000;
/** KV's minimum `expirationTtl` is 60 s (Cloudflare KV limits). */
const KV_TTL_S = 60;
const MAX_ISOLATE_ENTRIES = 10_000;

const cache = new Map<string, { site: SiteConfig | null; until: number }>();

type SiteEnv = Pick<Env, 'SITES_KV' | 'SUPABASE_URL' | 'SUPABASE_SERVICE_ROLE_KEY'>;

/** KV key of a site's cached config. */
export const siteKey = (id: string): string => `site:${id}`;

async function fromPostgres(env: SiteEnv, id: string): Promise<SiteConfig | null> {
  const { data, error } = await postgrest(env, 5_000)
    .from('sites')
    .select('id,name,domains,public_live,timezone,store_raw')
    .eq('id', id)
    .maybeSingle<SiteConfig>();
  if (error) throw new Error(`sites lookup failed: ${error.message}`, { cause: error });
  return data ?? null;
}

/**
 * The site's config, or null when no such site exists. Throws only when Postgres cannot be
 * reached and nothing is cached.
 *
 * @example
 * const site = await getSite(env, 'demo-site');
 */
export async function getSite(
  env: SiteEnv,
  id: string,
  now = Date.now(),
): Promise<SiteConfig | null> {
  const hit = cache.get(id);
  if (hit && hit.until > now) return hit.site;
  // Not coalesced across requests: a promise shared between request contexts can hang when the
  // request that started its I/O is cancelled (workerd's cross-request I/O rule).
  const cached = await env.SITES_KV.get<{ site: SiteConfig | null }>(siteKey(id), 'json');
  let site: SiteConfig | null;
  if (cached) {
    site = cached.site;
  } else {
    site = await fromPostgres(env, id);
    await env.SITES_KV.put(siteKey(id), JSON.stringify({ site }), { expirationTtl: KV_TTL_S });
  }
  if (cache.size >= MAX_ISOLATE_ENTRIES) cache.clear();
  cache.set(id, { site, until: now + ISOLATE_TTL_MS });
  return site;
}

/** Drops the isolate cache (tests, and after a config change in this isolate). */
export function clearSiteCache(): void {
  cache.clear();
}
