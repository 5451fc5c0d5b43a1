/* global Response, URL, crypto */
// Drives one SiteLive Durable Object directly (the class from apps/ingest/src, unchanged), the
// way the ingest Worker's `deliver` calls it, minus HTTP, parsing, validation and enrichment:
// how many events per second one shard (one site's object) sustains here.
//   POST /drive?site=demo&events=20000&batch=1&concurrency=16&visitors=2000
//   GET  /stats?site=demo
import { SiteLive } from '../../apps/ingest/src/durable-objects/site-live.ts';

export { SiteLive };

const stubOf = (env, site) => env.SITE_LIVE_DO.get(env.SITE_LIVE_DO.idFromName(`site:${site}`));

function enriched(site, visit, id, pageview) {
  const now = Date.now();
  const base = {
    id,
    ts: now,
    session: visit.session,
    visitor: visit.visitor,
    url: pageview ? '/pricing?utm_source=newsletter' : '/pricing',
    referrer: pageview ? 'https://www.google.com/search?q=x' : undefined,
    storage: true,
    site,
    receivedAt: now,
    country: 'DE',
    region: 'Berlin',
    city: 'Berlin',
    latitude: 52.52,
    longitude: 13.4,
    geoTimeZone: 'Europe/Berlin',
    colo: 'FRA',
    device: 'desktop',
    browser: 'Chrome',
    os: 'Windows',
    referrerHost: pageview ? 'www.google.com' : '',
    referrerClass: pageview ? 'search' : 'direct',
    utmSource: pageview ? 'newsletter' : '',
    utmMedium: '',
    utmCampaign: '',
    utmTerm: '',
    utmContent: '',
  };
  return pageview
    ? { ...base, type: 'pageview' }
    : { ...base, type: 'heartbeat', engagedMs: 15000, scroll: 40, interactions: 2 };
}

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const q = (name, fallback) => Number(url.searchParams.get(name) ?? fallback);
    const site = url.searchParams.get('site') ?? 'demo';
    const stub = stubOf(env, site);
    if (url.pathname === '/stats') return Response.json(await stub.stats());
    if (url.pathname === '/flush') {
      await stub.retryNow();
      return Response.json(await stub.stats());
    }
    const events = q('events', 10000);
    const size = q('batch', 1);
    const concurrency = q('concurrency', 16);
    const run = crypto.randomUUID().slice(0, 8);
    const visits = Array.from({ length: q('visitors', 2000) }, (_, i) => ({
      visitor: `vis_${run}_${i}`,
      session: `ses_${run}_${i}`,
    }));
    let next = 0;
    const seen = new Set();
    const loop = async () => {
      for (;;) {
        const start = next;
        next += size;
        if (start >= events) return;
        const batch = [];
        for (let i = start; i < Math.min(events, start + size); i++) {
          const v = i % visits.length;
          batch.push(enriched(site, visits[v], `evt_${run}_${i}`, !seen.has(v)));
          seen.add(v);
        }
        await stub.ingest({ site, timezone: 'Europe/Berlin', storeRaw: true, events: batch });
      }
    };
    await Promise.all(Array.from({ length: concurrency }, loop));
    return Response.json({ events });
  },
};
