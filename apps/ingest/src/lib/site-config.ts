/**
 * Site configuration: the `sites` row, read through PostgREST with the service key and cached
 * twice, in the isolate (hot path: no I/O at all) and in KV (shared by isolates, spares Postgres
 * a round trip per cold isolate). Unknown sites are cached too, so random ids cannot hammer
 * Postgres. When Postgres cannot be reached, the last config known to this isolate or to KV is
 * served (stale-if-error): the SiteLive outbox buffers what is accepted until Postgres is back,
 * so an outage longer than the cache lifetime does not turn into refused beacons.
 */
import {
  CONTENT_GROUPS,
  DEFAULT_CONTENT_GROUPS,
  type ContentGroup,
  type ContentGroupRule,
  type Goal,
} from '@sightline/schema';
import type { SpikeAlertConfig } from '../durable-objects/spike-alert.js';
import { postgrest } from './supabase.js';

export interface SiteConfig {
  id: string;
  name: string;
  domains: string[];
  public_live: boolean;
  timezone: string;
  store_raw: boolean;
  /**
   * Honour Sec-GPC / DNT (default). Absent in configs cached before the column existed and
   * from a database not yet migrated: treated as true.
   */
  respect_privacy_signals?: boolean;
  /** Query parameters kept in page paths; absent (older database): none. */
  allowed_query_params?: string[];
  /** The site's goals (table `goals`); absent (older database): none. */
  goals?: Goal[];
  /** The site's content groups (table `content_groups`); absent or empty: the defaults. */
  content_groups?: { content_group: string; path_pattern: string }[];
  /** The site's spike alert (table `spike_alerts`); absent or null: none. */
  spike_alerts?: SpikeAlertConfig | null;
}

/** The site's content-group rules for the value score: its own, or the defaults when none. */
export function contentGroupRules(site: SiteConfig): readonly ContentGroupRule[] {
  const own = (site.content_groups ?? []).filter(
    (
      g,
    ): g is {
      content_group: ContentGroup;
      path_pattern: string;
    } => (CONTENT_GROUPS as readonly string[]).includes(g.content_group),
  );
  if (own.length === 0) return DEFAULT_CONTENT_GROUPS;
  return own.map((g) => ({ group: g.content_group, pattern: g.path_pattern }));
}

/** In-isolate freshness: short, so a changed domain list applies within seconds. */
const ISOLATE_TTL_MS = 15_000;
/** A KV entry is fresh this long; after that it is refreshed from Postgres... */
const KV_FRESH_MS = 60_000;
/** ...but kept this long, as the fallback while Postgres is unreachable. */
const KV_KEEP_S = 7 * 86_400;
/** After a failed refresh, serve the stale config this long before trying Postgres again. */
const STALE_RETRY_MS = 5_000;
const MAX_ISOLATE_ENTRIES = 10_000;

const cache = new Map<string, { site: SiteConfig | null; until: number }>();
/** Sites whose lookup is running in this isolate. */
const inflight = new Set<string>();
/** How long a request waits for another request's lookup before doing its own. */
const WAIT_FOR_LOOKUP_MS = 2_000;

type SiteEnv = Pick<Env, 'SITES_KV' | 'SUPABASE_URL' | 'SUPABASE_SECRET_KEY'>;

/** KV key of a site's cached config. */
export const siteKey = (id: string): string => `site:${id}`;

/** The site row with its goals and content groups (embedded through their foreign keys). */
const WITH_GOALS =
  '*,goals(id,name,event_name,page_path,prop_key,prop_value),content_groups(content_group,path_pattern)';
/** ...and its spike alert. */
const WITH_ALERTS = `${WITH_GOALS},spike_alerts(enabled,visitors_threshold,usual_multiple,quiet_minutes,emails,webhook_url)`;

async function fromPostgres(env: SiteEnv, id: string): Promise<SiteConfig | null> {
  // `*`, not a column list: a Worker deployed before the database is migrated still reads its
  // sites (a newer column is then absent, and its default applies). Likewise without the goal
  // tables: PostgREST answers PGRST200 (no such relationship), and less is read: without the
  // alert table, the goals; without the goal tables, the site alone.
  const read = (select: string) =>
    postgrest(env, 5_000).from('sites').select(select).eq('id', id).maybeSingle<SiteConfig>();
  let { data, error } = await read(WITH_ALERTS);
  if (error?.code === 'PGRST200') ({ data, error } = await read(WITH_GOALS));
  if (error?.code === 'PGRST200') ({ data, error } = await read('*'));
  if (error) throw new Error(`sites lookup failed: ${error.message}`, { cause: error });
  return data ?? null;
}

/**
 * The site's config, or null when no such site exists. Throws only when Postgres cannot be
 * reached and neither this isolate nor KV has ever seen the site.
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
  // A cold isolate under load would otherwise send one lookup (and one KV write of the same key,
  // past KV's one write per second per key) per concurrent request. Requests do not share the
  // lookup's promise (a promise resolved from another request's I/O can hang when that request
  // is cancelled): they poll the isolate cache while the first lookup runs.
  if (inflight.has(id)) {
    for (let waited = 0; waited < WAIT_FOR_LOOKUP_MS && inflight.has(id); waited += 10) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const fresh = cache.get(id);
    if (fresh && fresh.until > Date.now()) return fresh.site;
  }
  inflight.add(id);
  try {
    return await lookup(env, id, now);
  } finally {
    inflight.delete(id);
  }
}

/** What KV holds per site: the config and until when it counts as fresh. */
interface KvEntry {
  site: SiteConfig | null;
  fresh_until?: number;
}

async function lookup(env: SiteEnv, id: string, now: number): Promise<SiteConfig | null> {
  const kv = await env.SITES_KV.get<KvEntry>(siteKey(id), 'json');
  if (kv && (kv.fresh_until ?? 0) > now) return remember(id, kv.site, now + ISOLATE_TTL_MS);
  let site: SiteConfig | null;
  try {
    site = await fromPostgres(env, id);
  } catch (error) {
    const stale = cache.get(id) ?? kv;
    if (!stale) throw error;
    console.warn(`site ${id}: serving the last known config (${String(error)})`);
    return remember(id, stale.site, now + STALE_RETRY_MS);
  }
  const entry: KvEntry = { site, fresh_until: now + KV_FRESH_MS };
  await env.SITES_KV.put(siteKey(id), JSON.stringify(entry), { expirationTtl: KV_KEEP_S });
  return remember(id, site, now + ISOLATE_TTL_MS);
}

function remember(id: string, site: SiteConfig | null, until: number): SiteConfig | null {
  if (cache.size >= MAX_ISOLATE_ENTRIES) cache.clear();
  cache.set(id, { site, until });
  return site;
}

/** Drops the isolate cache (tests, and after a config change in this isolate). */
export function clearSiteCache(): void {
  cache.clear();
}
