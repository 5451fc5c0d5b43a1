/**
 * The SiteLive Durable Objects of a site, addressed by name: one per site, or, for a hot site
 * configured in `LIVE_SHARDS`, one per shard (by visitor, see `liveShard`). Shard 0 keeps the
 * unsharded name `site:<id>`, so turning sharding on migrates nothing; shard k is `site:<id>#<k>`.
 */
import type { SiteLive } from '../durable-objects/site-live.js';

/** Upper bound of a site's shard count. */
export const MAX_LIVE_SHARDS = 64;

let parsed: { raw: unknown; map: Record<string, unknown> } | null = null;

/**
 * How many live shards a site has: `LIVE_SHARDS` is a JSON object `{ "<site id>": n }`. A site
 * not listed, invalid JSON, or an n that is not an integer in 1..64 means 1; never throws.
 *
 * @example
 * liveShardCount({ LIVE_SHARDS: '{"big-site": 4}' }, 'big-site'); // 4
 */
export function liveShardCount(env: { LIVE_SHARDS?: unknown }, site: string): number {
  const raw = env.LIVE_SHARDS;
  if (parsed?.raw !== raw) parsed = { raw, map: shardMap(raw) };
  const map: Record<string, unknown> = parsed?.map ?? {};
  const n = Object.hasOwn(map, site) ? map[site] : undefined;
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= MAX_LIVE_SHARDS ? n : 1;
}

function shardMap(raw: unknown): Record<string, unknown> {
  let map: unknown = raw;
  if (typeof raw === 'string') {
    try {
      map = JSON.parse(raw);
    } catch {
      map = null;
    }
  }
  return typeof map === 'object' && map !== null && !Array.isArray(map)
    ? (map as Record<string, unknown>)
    : {};
}

/** The KV key of a shard's live snapshot: `live:<id>` for shard 0, `live:<id>#<k>` otherwise. */
export const liveSnapshotKey = (site: string, shard = 0): string =>
  shard === 0 ? `live:${site}` : `live:${site}#${shard}`;

/**
 * @example
 * await siteLive(env, 'demo-site').ingest({ ... });
 * await siteLive(env, 'big-site', 3).stats();
 */
export function siteLive(
  env: Pick<Env, 'SITE_LIVE_DO'>,
  site: string,
  shard = 0,
): DurableObjectStub<SiteLive> {
  const name = shard === 0 ? `site:${site}` : `site:${site}#${shard}`;
  return env.SITE_LIVE_DO.get(objectId(env.SITE_LIVE_DO, name));
}

/**
 * `idFromName` hashes the name every call (a visible share of a beacon's CPU in a profile); an
 * id is a plain value, so the isolate keeps the ids it made (bounded), per namespace.
 */
const ids = new WeakMap<object, Map<string, DurableObjectId>>();
const MAX_IDS = 10_000;

function objectId(ns: DurableObjectNamespace<SiteLive>, name: string): DurableObjectId {
  let byName = ids.get(ns);
  if (!byName) ids.set(ns, (byName = new Map<string, DurableObjectId>()));
  let id = byName.get(name);
  if (!id) {
    if (byName.size >= MAX_IDS) byName.clear();
    id = ns.idFromName(name);
    byName.set(name, id);
  }
  return id;
}
