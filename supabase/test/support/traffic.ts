// Deterministic synthetic traffic for one site, and the flushes the SiteLive Durable Object
// would send for it: events in time order, cut into batches, each carrying the running totals
// of the sessions and the latest state of the visitors it touched.
import type {
  DeviceType,
  IngestBatch,
  IngestEvent,
  IngestSession,
  IngestVisitor,
  ReferrerClass,
} from '@sightline/schema';
import { mulberry32 } from '@sightline/test-utils';

const pick = <T>(random: () => number, items: readonly T[]): T =>
  items[Math.floor(random() * items.length)]!;

const PATHS = ['/', '/pricing', '/docs', '/blog/launch', '/signup', '/about'] as const;
const GEO = [
  { country: 'DE', region: 'BY', city: 'Munich', latitude: 48.14, longitude: 11.58 },
  { country: 'DE', region: 'BE', city: 'Berlin', latitude: 52.52, longitude: 13.4 },
  { country: 'US', region: 'CA', city: 'San Francisco', latitude: 37.77, longitude: -122.42 },
  { country: 'FR', region: 'IDF', city: 'Paris', latitude: 48.86, longitude: 2.35 },
  { country: 'JP', region: '13', city: 'Tokyo', latitude: 35.68, longitude: 139.69 },
] as const;
const CLIENTS: { device: DeviceType; browser: string; os: string }[] = [
  { device: 'desktop', browser: 'Chrome', os: 'Windows' },
  { device: 'desktop', browser: 'Firefox', os: 'Linux' },
  { device: 'mobile', browser: 'Safari', os: 'iOS' },
  { device: 'tablet', browser: 'Chrome', os: 'Android' },
];
const SOURCES: { host: string; cls: ReferrerClass; utm: [string, string, string] }[] = [
  { host: '', cls: 'direct', utm: ['', '', ''] },
  { host: 'www.google.com', cls: 'search', utm: ['', '', ''] },
  { host: 'news.ycombinator.com', cls: 'social', utm: ['hn', 'social', 'launch'] },
  { host: '', cls: 'email', utm: ['newsletter', 'email', 'jan'] },
];
const CUSTOM = ['signup', 'add_to_cart'] as const;

export interface GeneratedSession {
  site_id: string;
  session_id: string;
  visitor_id: string;
  startedAt: number;
  events: IngestEvent[];
}

export interface Traffic {
  siteId: string;
  sessions: GeneratedSession[];
  /** Every event, in time order. */
  events: IngestEvent[];
}

/**
 * `sessions` sessions of `visitors` visitors starting uniformly in [startMs, startMs + spanMs).
 */
export function generateTraffic(options: {
  siteId: string;
  seed: number;
  startMs: number;
  spanMs: number;
  visitors: number;
  sessions: number;
  /** Prefix of visitor, session and event ids (default: the site id). */
  idPrefix?: string;
  /** Heartbeats after each page view: 0 to heartbeats - 1 (default 3: 0..2). */
  heartbeats?: number;
}): Traffic {
  const random = mulberry32(options.seed);
  const prefix = options.idPrefix ?? options.siteId;
  const people = Array.from({ length: options.visitors }, (_, i) => ({
    id: `${prefix}-visitor-${String(i).padStart(4, '0')}`,
    geo: pick(random, GEO),
    client: pick(random, CLIENTS),
  }));
  const sessions: GeneratedSession[] = [];
  let eventNo = 0;
  for (let i = 0; i < options.sessions; i++) {
    const person = pick(random, people);
    const source = pick(random, SOURCES);
    const startedAt = options.startMs + Math.floor(random() * options.spanMs);
    const session: GeneratedSession = {
      site_id: options.siteId,
      session_id: `${prefix}-session-${String(i).padStart(5, '0')}`,
      visitor_id: person.id,
      startedAt,
      events: [],
    };
    let at = startedAt;
    const push = (
      type: IngestEvent['type'],
      path: string,
      extra: Partial<IngestEvent> = {},
    ): void => {
      session.events.push({
        id: `${prefix}-event-${String(eventNo++).padStart(7, '0')}`,
        site_id: options.siteId,
        type,
        at: new Date(at).toISOString(),
        session_id: session.session_id,
        visitor_id: person.id,
        path,
        referrer_host: source.host,
        referrer_class: source.cls,
        utm_source: source.utm[0],
        utm_medium: source.utm[1],
        utm_campaign: source.utm[2],
        name: '',
        props: null,
        engaged_ms: 0,
        scroll: 0,
        interactions: 0,
        ...person.geo,
        ...person.client,
        ...extra,
      });
      at += 1_000 + Math.floor(random() * 40_000);
    };
    // A third of the sessions bounce (one page view).
    const pages = random() < 0.35 ? 1 : 2 + Math.floor(random() * 3);
    for (let p = 0; p < pages; p++) {
      const path = pick(random, PATHS);
      push('pageview', path);
      const beats = Math.floor(random() * (options.heartbeats ?? 3));
      for (let b = 0; b < beats; b++) {
        push('heartbeat', path, {
          engaged_ms: 1_000 + Math.floor(random() * 15_000),
          scroll: Math.floor(random() * 101),
          interactions: Math.floor(random() * 4),
        });
      }
      if (random() < 0.15) push('custom', path, { name: pick(random, CUSTOM), props: { p } });
    }
    sessions.push(session);
  }
  const events = sessions.flatMap((s) => s.events).sort((a, b) => a.at.localeCompare(b.at));
  return { siteId: options.siteId, sessions, events };
}

/** A session's running totals over `events` (its events so far, in time order). */
export function sessionState(events: IngestEvent[], returning: boolean): IngestSession {
  const first = events[0]!;
  const views = events.filter((e) => e.type === 'pageview');
  const beats = events.filter((e) => e.type === 'heartbeat');
  const last = events[events.length - 1]!;
  return {
    site_id: first.site_id,
    session_id: first.session_id,
    visitor_id: first.visitor_id,
    started_at: first.at,
    last_seen: last.at,
    entry_path: views[0]?.path ?? first.path,
    exit_path: views[views.length - 1]?.path ?? first.path,
    pageviews: views.length,
    engaged_ms: beats.reduce((sum, e) => sum + e.engaged_ms, 0),
    max_scroll: Math.max(0, ...beats.map((e) => e.scroll)),
    interactions: beats.reduce((sum, e) => sum + e.interactions, 0),
    referrer_host: first.referrer_host,
    referrer_class: first.referrer_class,
    utm_source: first.utm_source,
    utm_medium: first.utm_medium,
    utm_campaign: first.utm_campaign,
    returning,
    country: first.country,
    region: first.region,
    city: first.city,
    latitude: first.latitude,
    longitude: first.longitude,
    device: first.device,
    browser: first.browser,
    os: first.os,
  };
}

/** Cuts the traffic into flushes of about `size` events, as the Durable Object would send. */
export function toBatches(traffic: Traffic, size: number, prefix = 'batch'): IngestBatch[] {
  const batches: IngestBatch[] = [];
  const seen = new Map<string, IngestEvent[]>(); // session → events so far
  const visitorFirst = new Map<string, IngestEvent>();
  const visitorSessions = new Map<string, string[]>();
  for (let i = 0; i < traffic.events.length; i += size) {
    const chunk = traffic.events.slice(i, i + size);
    const touchedSessions = new Set<string>();
    const touchedVisitors = new Map<string, IngestEvent>();
    for (const event of chunk) {
      seen.set(event.session_id, [...(seen.get(event.session_id) ?? []), event]);
      touchedSessions.add(event.session_id);
      touchedVisitors.set(event.visitor_id, event);
      if (!visitorFirst.has(event.visitor_id)) visitorFirst.set(event.visitor_id, event);
      const list = visitorSessions.get(event.visitor_id) ?? [];
      if (!list.includes(event.session_id)) list.push(event.session_id);
      visitorSessions.set(event.visitor_id, list);
    }
    const sessions = [...touchedSessions].map((id) => {
      const events = seen.get(id)!;
      const visitorList = visitorSessions.get(events[0]!.visitor_id)!;
      return sessionState(events, visitorList.indexOf(id) > 0);
    });
    const visitors: IngestVisitor[] = [...touchedVisitors.values()].map((last) => {
      const first = visitorFirst.get(last.visitor_id)!;
      return {
        site_id: last.site_id,
        visitor_id: last.visitor_id,
        first_seen: first.at,
        last_seen: last.at,
        last_path: last.path,
        value_score: Math.min(100, visitorSessions.get(last.visitor_id)!.length * 10),
        first_referrer_host: first.referrer_host,
        first_referrer_class: first.referrer_class,
        utm_source: first.utm_source,
        utm_medium: first.utm_medium,
        utm_campaign: first.utm_campaign,
        country: last.country,
        region: last.region,
        city: last.city,
        latitude: last.latitude,
        longitude: last.longitude,
        device: last.device,
        browser: last.browser,
        os: last.os,
      };
    });
    batches.push({
      batch_id: `${prefix}-${traffic.siteId}-${batches.length}`,
      store_raw: true,
      events: chunk,
      sessions,
      visitors,
    });
  }
  return batches;
}
