/**
 * POST /v1/sites/:id/watch: a dashboard is showing the site's live view (it calls this when it
 * opens and every 30 s while open). The site's SiteLive objects push live messages to Realtime
 * only while a watch is current (75 s after the last call), so a site nobody watches sends no
 * Realtime message at all. The answer carries each live shard's full snapshot at once, which the
 * dashboard applies before the next push arrives. `Authorization: Bearer <token>`: a token that
 * can read the site's row (lib/site-access.ts); 401 without one, 403 when it cannot.
 */
import { Hono } from 'hono';
import { SiteId } from '@sightline/schema';
import type { AppEnv } from '../env.js';
import { IngestError } from '../lib/errors.js';
import { canReadSite } from '../lib/site-access.js';
import { getSite } from '../lib/site-config.js';
import { liveShardCount, siteLive } from '../lib/site-live-stub.js';
import { WATCH_MS } from '../durable-objects/site-live.js';

/** How often a dashboard renews its watch: well inside WATCH_MS, so one lost call is harmless. */
export const RENEW_MS = 30_000;

export const watch = new Hono<AppEnv>();

const cors = {
  // A bearer token, never a cookie: any origin may ask, the token decides.
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'POST, OPTIONS',
  'Access-Control-Allow-Headers': 'authorization, content-type',
  'Access-Control-Max-Age': '86400',
};

watch.options('/:id/watch', (c) => {
  for (const [name, value] of Object.entries(cors)) c.header(name, value);
  return c.body(null, 204);
});

watch.post('/:id/watch', async (c) => {
  c.header('Access-Control-Allow-Origin', '*');
  const id = c.req.param('id');
  if (!SiteId.safeParse(id).success) throw new IngestError(404, 'unknown_site', 'no such site');
  const token = /^Bearer (\S+)$/.exec(c.req.header('authorization') ?? '')?.[1];
  if (!token) throw new IngestError(401, 'unauthorized', 'a dashboard token is required');
  let site;
  let mayWatch;
  try {
    site = await getSite(c.env, id);
    mayWatch = site !== null && (await canReadSite(c.env, token, id));
  } catch (cause) {
    // Postgres (the site lookup) or PostgREST (the access check) cannot answer now.
    throw new IngestError(503, 'site_unavailable', 'cannot check access now, retry later', {
      cause,
    });
  }
  if (!site) throw new IngestError(404, 'unknown_site', 'no such site');
  if (!mayWatch) throw new IngestError(403, 'forbidden', 'this token cannot see this site');
  const shards = liveShardCount(c.env, id);
  const messages = await Promise.all(
    Array.from({ length: shards }, (_, shard) =>
      siteLive(c.env, id, shard).watch({ site: id, shard, shards }),
    ),
  );
  return c.json({ site: id, watchMs: WATCH_MS, renewMs: RENEW_MS, messages });
});
