/**
 * GET /v1/sites/:id/live: the live visitor count of a site that makes it public, read from the
 * KV snapshot its SiteLive object keeps (5-minute TTL), so a public badge never wakes the
 * Durable Object. No snapshot means nobody has been seen for five minutes: 0.
 */
import { Hono } from 'hono';
import { SiteId } from '@sightline/schema';
import type { AppEnv } from '../env.js';
import { IngestError } from '../lib/errors.js';
import { getSite } from '../lib/site-config.js';

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
  if (!site.public_live)
    throw new IngestError(403, 'not_public', 'this site does not publish its live count');
  const snapshot = await c.env.SITES_KV.get<{ visitorsNow: number; at: number }>(
    `live:${id}`,
    'json',
  );
  c.header('Cache-Control', 'public, max-age=5');
  c.header('Access-Control-Allow-Origin', '*');
  return c.json({ site: id, visitorsNow: snapshot?.visitorsNow ?? 0, at: snapshot?.at ?? null });
});
