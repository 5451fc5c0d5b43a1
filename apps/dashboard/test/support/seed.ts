/**
 * Deterministic demo traffic for the end-to-end tests, written through `ingest_batch` exactly as
 * the Worker flushes it, plus the ground truth computed from the same generated sessions (not
 * from the database), which the screen must match.
 */
import type { IngestBatch, IngestEvent, IngestSession, IngestVisitor } from '@sightline/schema';
import { mulberry32 } from '@sightline/test-utils';

const PLACES = [
  { country: 'DE', region: 'BE', city: 'Berlin', latitude: 52.52, longitude: 13.4 },
  { country: 'FR', region: 'IDF', city: 'Paris', latitude: 48.86, longitude: 2.35 },
  { country: 'US', region: 'CA', city: 'San Francisco', latitude: 37.77, longitude: -122.42 },
  { country: 'JP', region: '13', city: 'Tokyo', latitude: 35.68, longitude: 139.69 },
  { country: 'BR', region: 'SP', city: 'São Paulo', latitude: -23.55, longitude: -46.63 },
] as const;
const PATHS = ['/', '/pricing', '/docs', '/blog/launch'];
const DEVICES = [
  { device: 'desktop', browser: 'Firefox', os: 'Linux' },
  { device: 'mobile', browser: 'Safari', os: 'iOS' },
  { device: 'desktop', browser: 'Chrome', os: 'Windows' },
] as const;

export interface GroundTruth {
  visitors: number;
  visits: number;
  pageviews: number;
  bounceRate: number;
  /** Distinct visitors per country. */
  countries: Map<string, number>;
  /** The same totals restricted to one country. */
  byCountry: Map<string, { visitors: number; visits: number; pageviews: number }>;
  /** Visitors seen within the last minute (what live_visitors returns first). */
  liveVisitorIds: string[];
}

export function generateTraffic(
  site: string,
  now: number,
  visitorCount = 24,
): { batch: IngestBatch; truth: GroundTruth } {
  const rand = mulberry32(8); // seeded: every run seeds the same traffic
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const events: IngestEvent[] = [];
  const sessions: IngestSession[] = [];
  const visitors: IngestVisitor[] = [];
  const live: string[] = [];

  for (let v = 0; v < visitorCount; v++) {
    const visitorId = `e2e-visitor-${v}`;
    const place = PLACES[v % PLACES.length]!;
    const client = pick(DEVICES);
    const sessionCount = 1 + Math.floor(rand() * 3);
    // The first four visitors are on the site right now; the rest came earlier today.
    const isLive = v < 4;
    let lastSeen = 0;
    let lastPath = '/';
    let firstSeen = Infinity;
    for (let s = 0; s < sessionCount; s++) {
      const pageviews = 1 + Math.floor(rand() * 4);
      const start =
        isLive && s === sessionCount - 1 ? now - 60_000 : now - (2 + rand() * 18) * 3_600_000;
      const sessionId = `${visitorId}-s${s}`;
      const paths = Array.from({ length: pageviews }, () => pick(PATHS));
      const engaged = pageviews * 12_000;
      const end = start + (pageviews - 1) * 10_000 + 5_000;
      paths.forEach((path, i) => {
        events.push({
          ...place,
          ...client,
          device: client.device,
          id: `${sessionId}-e${i}`,
          site_id: site,
          type: 'pageview',
          at: new Date(start + i * 10_000).toISOString(),
          session_id: sessionId,
          visitor_id: visitorId,
          path,
          referrer_host: '',
          referrer_class: 'direct',
          utm_source: '',
          utm_medium: '',
          utm_campaign: '',
          name: '',
          props: null,
          engaged_ms: 0,
          scroll: 0,
          interactions: 0,
        });
      });
      sessions.push({
        ...place,
        ...client,
        site_id: site,
        session_id: sessionId,
        visitor_id: visitorId,
        started_at: new Date(start).toISOString(),
        last_seen: new Date(end).toISOString(),
        entry_path: paths[0]!,
        exit_path: paths[paths.length - 1]!,
        pageviews,
        engaged_ms: engaged,
        max_scroll: 50,
        interactions: pageviews,
        referrer_host: '',
        referrer_class: 'direct',
        utm_source: '',
        utm_medium: '',
        utm_campaign: '',
        returning: s > 0,
      });
      if (end > lastSeen) {
        lastSeen = end;
        lastPath = paths[paths.length - 1]!;
      }
      firstSeen = Math.min(firstSeen, start);
    }
    if (isLive) live.push(visitorId);
    visitors.push({
      ...place,
      ...client,
      site_id: site,
      visitor_id: visitorId,
      first_seen: new Date(firstSeen).toISOString(),
      last_seen: new Date(lastSeen).toISOString(),
      last_path: lastPath,
      value_score: Math.round(rand() * 100),
      first_referrer_host: '',
      first_referrer_class: 'direct',
      utm_source: '',
      utm_medium: '',
      utm_campaign: '',
    });
  }

  const totals = (subset: IngestSession[]) => ({
    visitors: new Set(subset.map((s) => s.visitor_id)).size,
    visits: subset.length,
    pageviews: subset.reduce((n, s) => n + s.pageviews, 0),
  });
  const countries = new Map<string, number>();
  const byCountry = new Map<string, { visitors: number; visits: number; pageviews: number }>();
  for (const place of PLACES) {
    const subset = sessions.filter((s) => s.country === place.country);
    byCountry.set(place.country, totals(subset));
    countries.set(place.country, totals(subset).visitors);
  }
  const all = totals(sessions);
  return {
    batch: { batch_id: `e2e-${now}`, store_raw: true, events, sessions, visitors },
    truth: {
      ...all,
      bounceRate: sessions.filter((s) => s.pageviews === 1).length / sessions.length,
      countries,
      byCountry,
      liveVisitorIds: live,
    },
  };
}
