/**
 * Beacon bodies as the tracker sends them (text/plain JSON, v1 wire format): a pool of visitors
 * with sessions, each request one event (page view or heartbeat) with a fresh event id.
 */
import { randomBytes } from 'node:crypto';

export interface Visit {
  visitor: string;
  session: string;
}

let counter = 0;
/** A unique id of the wire format (8–64 of [A-Za-z0-9_-]). */
export const uid = (prefix: string): string =>
  `${prefix}_${randomBytes(6).toString('hex')}${(counter++).toString(36)}`;

export const newVisit = (): Visit => ({ visitor: uid('vis'), session: uid('ses') });

export const CHROME_UA =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

export function pageview(visit: Visit, extra: Record<string, unknown> = {}) {
  return {
    type: 'pageview',
    id: uid('evt'),
    ts: Date.now(),
    session: visit.session,
    visitor: visit.visitor,
    url: '/pricing?utm_source=newsletter&utm_medium=email',
    referrer: 'https://www.google.com/search?q=analytics',
    screen: [1920, 1080],
    language: 'en-GB',
    timeZone: 'Europe/Berlin',
    storage: true,
    ...extra,
  };
}

export function heartbeat(visit: Visit, extra: Record<string, unknown> = {}) {
  return {
    type: 'heartbeat',
    id: uid('evt'),
    ts: Date.now(),
    session: visit.session,
    visitor: visit.visitor,
    url: '/pricing',
    storage: true,
    engagedMs: 15_000,
    scroll: 40,
    interactions: 2,
    ...extra,
  };
}

export const batch = (site: string, events: unknown[]) => ({ v: 1, site, events });

/** Headers of a beacon from a page on `origin`. */
export function beaconHeaders(origin = 'http://localhost:5173', ip?: string) {
  const headers: Record<string, string> = {
    'content-type': 'text/plain;charset=UTF-8',
    origin,
    'user-agent': CHROME_UA,
  };
  if (ip) headers['cf-connecting-ip'] = ip;
  return headers;
}

/** Endless realistic traffic over a pool of visits: the first beacon of a visit is a page view. */
export function trafficSource(site: string, visits = 5_000): () => { body: string; ids: string[] } {
  const pool = Array.from({ length: visits }, newVisit);
  const seen = new Set<number>();
  let i = 0;
  return () => {
    const index = i++ % pool.length;
    const visit = pool[index]!;
    const event = seen.has(index) && i % 4 !== 0 ? heartbeat(visit) : pageview(visit);
    seen.add(index);
    return { body: JSON.stringify(batch(site, [event])), ids: [event.id] };
  };
}
