/**
 * A hostile row set for the dashboard's end-to-end test: what a hostile sender (or a page with
 * odd content) can put into the tables — markup, script, bidi overrides, very long strings —
 * in paths, referrers, cities, regions, campaign names and event names. Written through
 * `ingest_batch` as the Worker flushes.
 */
import type { IngestBatch, IngestEvent, IngestSession, IngestVisitor } from '@sightline/schema';

export const HOSTILE = {
  path: '/<img src=x onerror="window.__xss=1">',
  spoof: '/admin\u202egnp.exe',
  long: `/${'very-long-path-'.repeat(60)}`,
  city: '<script>window.__xss=1</script>Berlin',
  region: '\u202eevil region',
  referrer: 'evil.test"><img src=x onerror=window.__xss=1>',
  campaign: `<b>${'x'.repeat(400)}</b>`,
  event: '<svg onload="window.__xss=1">',
} as const;

/** The visitor on the site now, at the live map's initial centre (10° E, 25° N). */
export const HOSTILE_VISITOR = 'hostile-visitor';

export function hostileBatch(site: string, now: number): IngestBatch {
  const at = new Date(now - 30_000).toISOString();
  const place = {
    country: 'DE',
    region: HOSTILE.region,
    city: HOSTILE.city,
    latitude: 25,
    longitude: 10,
    device: 'desktop',
    browser: 'Chrome',
    os: 'Linux',
  } as const;
  const source = {
    referrer_host: HOSTILE.referrer,
    referrer_class: 'other',
    utm_source: 'news<br>letter',
    utm_medium: 'email',
    utm_campaign: HOSTILE.campaign,
  } as const;
  const paths = [HOSTILE.path, HOSTILE.spoof, HOSTILE.long];
  const events: IngestEvent[] = paths.map((path, i) => ({
    ...place,
    ...source,
    id: `hostile-e${i}`,
    site_id: site,
    type: 'pageview',
    at,
    session_id: 'hostile-session',
    visitor_id: HOSTILE_VISITOR,
    path,
    name: '',
    props: null,
    engaged_ms: 0,
    scroll: 0,
    interactions: 0,
  }));
  events.push({
    ...events[0]!,
    id: 'hostile-custom',
    type: 'custom',
    name: HOSTILE.event,
    props: { '<i>key</i>': '<i>value</i>' },
  });
  const session: IngestSession = {
    ...place,
    ...source,
    site_id: site,
    session_id: 'hostile-session',
    visitor_id: HOSTILE_VISITOR,
    started_at: at,
    last_seen: at,
    entry_path: HOSTILE.path,
    exit_path: HOSTILE.long,
    pageviews: 3,
    engaged_ms: 10_000,
    max_scroll: 50,
    interactions: 3,
    returning: false,
  };
  const visitor: IngestVisitor = {
    ...place,
    site_id: site,
    visitor_id: HOSTILE_VISITOR,
    first_seen: at,
    last_seen: at,
    last_path: HOSTILE.path,
    value_score: 50,
    first_referrer_host: HOSTILE.referrer,
    first_referrer_class: 'other',
    utm_source: source.utm_source,
    utm_medium: source.utm_medium,
    utm_campaign: source.utm_campaign,
  };
  return {
    batch_id: `hostile-${now}`,
    store_raw: true,
    events,
    sessions: [session],
    visitors: [visitor],
  };
}
