import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { clearSiteCache, getSite, siteKey } from '../src/lib/site-config.js';
import {
  addSite,
  batch,
  control,
  newVisit,
  pageview,
  post,
  recorderState,
} from './support/helpers.js';

const MINUTE = 60_000;

describe('site config while Postgres is unreachable', () => {
  it('serves the last known config from the isolate, then from KV, long after it went stale', async () => {
    const site = await addSite();
    const t0 = Date.now();
    expect(await getSite(env, site.id, t0)).toMatchObject({ id: site.id });
    await control({ failSites: [site.id] });
    try {
      const lookups = (await recorderState()).siteLookups;
      // An hour later: both caches are stale, the refresh fails, the old config is served.
      expect(await getSite(env, site.id, t0 + 60 * MINUTE)).toMatchObject({ id: site.id });
      expect((await recorderState()).siteLookups).toBe(lookups + 1);
      // Within the retry pause the stale config is served without asking Postgres again.
      await getSite(env, site.id, t0 + 60 * MINUTE + 1_000);
      expect((await recorderState()).siteLookups).toBe(lookups + 1);
      // A new isolate (cache cleared) still finds it in KV.
      clearSiteCache();
      expect(await getSite(env, site.id, t0 + 120 * MINUTE)).toMatchObject({ id: site.id });
    } finally {
      await control({ failSites: [] });
    }
    // Back: the next lookup past the pause refreshes from Postgres, and KV is fresh again.
    const before = (await recorderState()).siteLookups;
    expect(await getSite(env, site.id, t0 + 121 * MINUTE)).toMatchObject({ id: site.id });
    expect((await recorderState()).siteLookups).toBe(before + 1);
    clearSiteCache();
    expect(await getSite(env, site.id, t0 + 121 * MINUTE + 1_000)).toMatchObject({ id: site.id });
    expect((await recorderState()).siteLookups).toBe(before + 1);
  });

  it('throws for a site neither cache has seen (the route answers 503 site_unavailable)', async () => {
    const site = await addSite();
    await control({ failSites: [site.id] });
    try {
      await expect(getSite(env, site.id)).rejects.toThrow(/sites lookup failed/);
      const res = await post(batch(site.id, [pageview(newVisit())]));
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ error: { code: 'site_unavailable' } });
    } finally {
      await control({ failSites: [] });
    }
  });

  it('accepts beacons with a stale KV config instead of refusing them', async () => {
    const site = await addSite();
    const stale = { site: { ...site }, fresh_until: Date.now() - 10 * MINUTE };
    await env.SITES_KV.put(siteKey(site.id), JSON.stringify(stale));
    await control({ failSites: [site.id] });
    try {
      const res = await post(batch(site.id, [pageview(newVisit())]));
      expect(res.status).toBe(202);
    } finally {
      await control({ failSites: [] });
    }
  });
});
