/**
 * POST /v1/events: a beacon batch (text/plain or JSON). Checks everything that can refuse the
 * batch (size, schema, site, origin, rate limits), answers 202 at once, and leaves the rest —
 * dedup, live state, Analytics Engine, the Postgres buffer — to `waitUntil`.
 */
import { Hono } from 'hono';
import { parseBatch } from '@sightline/schema';
import type { AppEnv } from '../env.js';
import { IngestError } from '../lib/errors.js';
import { readBody } from '../lib/read-body.js';
import { contentGroupRules, getSite } from '../lib/site-config.js';
import { originAllowed, requestOrigin } from '../lib/origin.js';
import { botReason } from '../lib/bot.js';
import { privacySignal } from '../lib/privacy-signal.js';
import { checkRateLimits } from '../lib/limits.js';
import { enrich } from '../lib/enrich.js';
import { siteLive } from '../lib/site-live-stub.js';
import { enqueue } from '../lib/batcher.js';

export const events = new Hono<AppEnv>();

/** Preflight for `application/json` senders; the site's origins are checked on the POST. */
events.options('/', (c) => {
  c.header('Access-Control-Allow-Origin', c.req.header('origin') ?? '*');
  c.header('Access-Control-Allow-Methods', 'POST, OPTIONS');
  c.header('Access-Control-Allow-Headers', 'content-type');
  c.header('Access-Control-Max-Age', '86400');
  c.header('Vary', 'Origin');
  return c.body(null, 204);
});

events.post('/', async (c) => {
  const env = c.env;
  const development = env.ENVIRONMENT === 'development';
  const bytes = await readBody(c.req.raw);
  const { data: batch, error } = parseBatch(bytes);
  if (error) {
    throw new IngestError(error.code === 'body_too_large' ? 413 : 400, error.code, error.message, {
      issues: error.issues,
    });
  }

  let site;
  try {
    site = await getSite(env, batch.site);
  } catch (cause) {
    throw new IngestError(
      503,
      'site_unavailable',
      'site configuration is unavailable, retry later',
      { cause },
    );
  }
  if (!site) throw new IngestError(404, 'unknown_site', `no site "${batch.site}"`);
  const origin = requestOrigin(c.req.raw.headers);
  if (!originAllowed(origin, site.domains, development)) {
    throw new IngestError(403, 'origin_not_allowed', "origin is not one of the site's domains");
  }
  c.header('Access-Control-Allow-Origin', origin ?? '');
  c.header('Vary', 'Origin');

  const stub = siteLive(env, site.id);
  if (site.respect_privacy_signals !== false && privacySignal(c.req.raw.headers)) {
    // The visitor asked not to be tracked: nothing is stored, only how many beacons said so.
    // Same answer as an accepted beacon, so the page learns nothing from it.
    c.executionCtx.waitUntil(stub.countPrivacySignals(batch.events.length));
    return c.json({ received: batch.events.length }, 202);
  }
  if (botReason(c.req.raw.headers, batch.automated)) {
    // Same answer as for people: a bot learns nothing to tune against.
    c.executionCtx.waitUntil(stub.countBots(batch.events.length));
    return c.json({ received: batch.events.length }, 202);
  }

  await checkRateLimits(c.req.raw, env, site.id, batch.events.length);

  const enriched = enrich(batch, c.req.raw, {
    development,
    origin,
    allowedQueryParams: site.allowed_query_params ?? [],
  });
  const sending = enqueue(
    env,
    {
      id: site.id,
      timezone: site.timezone,
      storeRaw: site.store_raw || env.STORE_RAW_EVENTS === 'true',
      publicLive: site.public_live === true,
      goals: site.goals ?? [],
      contentGroups: contentGroupRules(site),
      spikeAlert: site.spike_alerts ? { ...site.spike_alerts, siteName: site.name } : null,
    },
    enriched,
  );
  if (sending) c.executionCtx.waitUntil(sending);
  return c.json({ received: batch.events.length }, 202);
});
