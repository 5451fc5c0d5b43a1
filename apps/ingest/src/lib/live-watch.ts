/**
 * The watch signal: a site's SiteLive objects push live messages to Realtime only while someone
 * watches (a watch lasts WATCH_MS after its last renewal), so a site nobody watches sends no
 * Realtime message at all. A dashboard's live-pass renewal (POST /v1/live-pass with its site) and
 * a share link's pass renewal (POST /v1/share/pass) are that signal; POST /v1/sites/:id/watch
 * gives it to clients without a live channel of their own (benchmarks, scripts). Every answer
 * carries each live shard's full snapshot, which the watcher applies before the next push.
 */
import type { LiveMessage } from '@sightline/schema';
import { WATCH_MS } from '../durable-objects/site-live.js';
import { IngestError } from './errors.js';
import { siteAccess } from './site-access.js';
import { liveShardCount, siteLive } from './site-live-stub.js';

/** How often a watcher renews: well inside WATCH_MS, so one lost call is harmless. */
export const RENEW_MS = 30_000;

export interface WatchAnswer {
  site: string;
  watchMs: number;
  renewMs: number;
  /** One full message per live shard. */
  messages: LiveMessage[];
}

/**
 * Asks the database, as the caller of a verified `token`, whether it may see `site`'s live view
 * (a member, a service token, a share link that shows it); throws the refusal otherwise.
 */
export async function authorizeLive(env: Env, token: string, site: string): Promise<void> {
  const { hidden } = await siteAccess(env, token, site);
  if (hidden.includes('live'))
    throw new IngestError(403, 'live_hidden', `the live view of "${site}" is not shown to you`);
}

/** Tells every live shard of an authorised `site` that it is watched; their snapshots. */
export async function watchLive(env: Env, site: string): Promise<WatchAnswer> {
  const shards = liveShardCount(env, site);
  const messages = await Promise.all(
    Array.from({ length: shards }, (_, shard) =>
      siteLive(env, site, shard).watch({ site, shard, shards }),
    ),
  );
  return { site, watchMs: WATCH_MS, renewMs: RENEW_MS, messages };
}
