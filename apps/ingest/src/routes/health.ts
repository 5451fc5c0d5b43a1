/**
 * GET /v1/health: liveness for uptime checks; touches no binding.
 * GET /v1/health/sites/:id: the pipeline of one site for its operator, per live shard: what
 * waits for Postgres (outbox, pending, overflow), failed flushes, and what the database refused
 * for its content (dead-lettered events by reason, the newest entries by batch and event id).
 * Wakes the site's objects, so it needs the secret key, or an owner's or admin's token, as the
 * bearer token.
 */
import { Hono } from 'hono';
import { SiteId } from '@sightline/schema';
import type { AppEnv } from '../env.js';
import { IngestError } from '../lib/errors.js';
import { liveShardCount, siteLive } from '../lib/site-live-stub.js';
import { siteAccess } from '../lib/site-access.js';
import { bearerToken, verifyToken } from '../lib/tokens.js';

export const health = new Hono<AppEnv>();

health.get('/', (c) => c.json({ ok: true, environment: c.env.ENVIRONMENT }));

const encoder = new TextEncoder();

/** Compares without leaking, through timing, how much of the key was right. */
async function sameSecret(given: string, secret: string): Promise<boolean> {
  const [a, b] = await Promise.all(
    [given, secret].map((s) => crypto.subtle.digest('SHA-256', encoder.encode(s))),
  );
  return crypto.subtle.timingSafeEqual(a!, b!);
}

/** The secret key, or an owner's or admin's token for the site (the database decides). */
async function authorise(env: Env, bearer: string, site: string): Promise<void> {
  if (!bearer)
    throw new IngestError(401, 'unauthorized', 'the secret key or a member token is required');
  if (await sameSecret(bearer, env.SUPABASE_SECRET_KEY)) return;
  await verifyToken(env, bearer);
  const { access } = await siteAccess(env, bearer, site);
  if (access !== 'owner' && access !== 'admin')
    throw new IngestError(403, 'not_allowed', "a site's pipeline is for its owners and admins");
}

health.get('/sites/:id', async (c) => {
  const bearer = bearerToken(c.req.raw) ?? '';
  const id = c.req.param('id');
  if (!SiteId.safeParse(id).success) throw new IngestError(404, 'unknown_site', 'no such site');
  await authorise(c.env, bearer, id);
  const shards = liveShardCount(c.env, id);
  const perShard = await Promise.all(
    Array.from({ length: shards }, async (_, shard) => {
      const stub = siteLive(c.env, id, shard);
      const [s, recent] = await Promise.all([stub.stats(), stub.deadLetters(20)]);
      return {
        shard,
        visitorsNow: s.visitorsNow,
        accepted: s.accepted,
        pendingEvents: s.pendingEvents,
        outboxBatches: s.outboxBatches,
        outboxEvents: s.outboxEvents,
        overflowEvents: s.overflowEvents,
        flushes: s.flushes,
        flushFailures: s.flushFailures,
        // Billed operations since the object started (the cost benchmark reads them).
        calls: s.calls,
        alarms: s.alarms,
        watches: s.watches,
        watched: s.watched,
        points: s.points,
        pushes: s.pushes,
        deadLetter: { ...s.deadLetter, recent },
      };
    }),
  );
  const deadLettered = perShard.reduce((n, s) => n + s.deadLetter.events, 0);
  return c.json({ site: id, ok: deadLettered === 0, deadLettered, shards: perShard });
});
