/**
 * GET /v1/sites/:id/live: the live visitor count of a site that makes it public (anyone), or of
 * any site to whoever may watch its live view (a bearer token: a member, a service token, a
 * share link that shows it; the database decides). A public site's count is read from the KV
 * snapshot its SiteLive object keeps (5-minute TTL), so a public badge never wakes the Durable
 * Object; no snapshot means nobody has been seen for five minutes: 0. Other sites keep no
 * snapshot (no KV write on the hot path), so an authorised caller gets the objects' exact count.
 * A site sharded by LIVE_SHARDS has one count per shard (summed; each counts its own visitors).
 */
import { Hono } from 'hono';
import { SiteId } from '@sightline/schema';
import type { AppEnv } from '../env.js';
import { IngestError } from '../lib/errors.js';
import { getSite } from '../lib/site-config.js';
import { liveShardCount, liveSnapshotKey, siteLive } from '../lib/site-live-stub.js';
import { siteAccess } from '../lib/site-access.js';
import { bearerToken, verifyToken } from '../lib/tokens.js';

export const live = new Hono<AppEnv>();

live.get('/:id/live', async (c) => {
  const id = c.req.param('id');
  if (!SiteId.safeParse(id).success) throw new IngestError(404, 'unknown_site', 'no such site');
  let site;
  try {
    site = await getSite(c.env, id);
  } catch (cause) {
    throw new IngestError(
      503,
      'site_unavailable',
      'site configuration is unavailable, retry later',
      { cause },
    );
  }
  if (!site) throw new IngestError(404, 'unknown_site', 'no such site');
  let cacheControl = 'public, max-age=5';
  if (!site.public_live) {
    const token = bearerToken(c.req.raw);
    if (!token)
      throw new IngestError(403, 'not_public', 'this site does not publish its live count');
    await verifyToken(c.env, token);
    const { hidden } = await siteAccess(c.env, token, id);
    if (hidden.includes('live'))
      throw new IngestError(403, 'live_hidden', 'the live view of this site is not shown to you');
    cacheControl = 'private, no-store';
  }
  const shards = liveShardCount(c.env, id);
  const snapshots = await Promise.all(
    Array.from({ length: shards }, (_, shard) =>
      site.public_live
        ? c.env.SITES_KV.get<{ visitorsNow: number; at: number }>(
            liveSnapshotKey(id, shard),
            'json',
          )
        : siteLive(c.env, id, shard).visitorsNow(),
    ),
  );
  let visitorsNow = 0;
  let at: number | null = null;
  for (const s of snapshots) {
    if (!s) continue;
    visitorsNow += s.visitorsNow;
    at = Math.max(at ?? 0, s.at);
  }
  c.header('Cache-Control', cacheControl);
  c.header('Access-Control-Allow-Origin', '*');
  return c.json({ site: id, visitorsNow, at });
});
