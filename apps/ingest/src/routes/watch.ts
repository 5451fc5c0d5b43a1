/**
 * POST /v1/sites/:id/watch: keeps the site's live view watched (lib/live-watch.ts) for a client
 * that holds no live pass of its own, such as a benchmark's or a script's Node client with a
 * service token; the dashboard's live-pass renewals are its watch signal instead. Authorised as
 * live passes are (`Authorization: Bearer <user access token | service token | pass>`, the
 * database decides); answers every live shard's full snapshot and when to renew.
 */
import { Hono } from 'hono';
import { SiteId } from '@sightline/schema';
import type { AppEnv } from '../env.js';
import { IngestError } from '../lib/errors.js';
import { authorizeLive, watchLive } from '../lib/live-watch.js';
import { bearerToken, verifyToken } from '../lib/tokens.js';

export const watch = new Hono<AppEnv>();

watch.post('/:id/watch', async (c) => {
  const id = c.req.param('id');
  if (!SiteId.safeParse(id).success) throw new IngestError(404, 'unknown_site', 'no such site');
  const token = bearerToken(c.req.raw) ?? '';
  await verifyToken(c.env, token);
  await authorizeLive(c.env, token, id);
  c.header('Cache-Control', 'no-store');
  return c.json(await watchLive(c.env, id));
});
