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
/** With `conversions`: a shop's pages too, for goals by pattern and funnels. */
const SHOP_PATHS = ['/products/mug', '/products/lamp', '/cart', '/checkout/7/done'] as const;
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
interface Source {
  host: string;
  cls: ReferrerClass;
  utm: [string, string, string];
  /** utm_term, utm_content and the click-id kind (with `conversions` only). */
  more?: [string, string, string];
}
const SOURCES: Source[] = [
  { host: '', cls: 'direct', utm: ['', '', ''] },
  { host: 'www.google.com', cls: 'search', utm: ['', '', ''], more: ['', '', 'gclid'] },
  { host: 'news.ycombinator.com', cls: 'social', utm: ['hn', 'social', 'launch'] },
  {
    host: '',
    cls: 'email',
    utm: ['newsletter', 'email', 'jan'],
    more: ['mugs', 'header', ''],
  },
];
const CUSTOM = ['signup', 'add_to_cart'] as const;
const PLANS = ['basic', 'pro'] as const;
const CURRENCIES = ['EUR', 'USD'] as const;

export interface GeneratedSession {
  site_id: string;
  session_id: string;
  visitor_id: string;
  startedAt: number;
  /** Session attribution that events do not carry: utm_term, utm_content, click_id. */
  utm_term: string;
  utm_content: string;
  click_id: string;
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
  /**
   * Also what the conversion reports read (default true): shop pages, purchases with
   * properties and revenue, 404s, outbound clicks, downloads, web vitals, utm_term,
   * utm_content and click ids, and sessions whose scroll depth is not measured (the core
   * build). Off: only what a database before them stored (the upgrade tests).
   */
  conversions?: boolean;
}): Traffic {
  const conversions = options.conversions ?? true;
  const paths: readonly string[] = conversions ? [...PATHS, ...SHOP_PATHS] : PATHS;
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
    const more = (conversions && source.more) || ['', '', ''];
    const session: GeneratedSession = {
      site_id: options.siteId,
      session_id: `${prefix}-session-${String(i).padStart(5, '0')}`,
      visitor_id: person.id,
      startedAt,
      utm_term: more[0],
      utm_content: more[1],
      click_id: more[2],
      events: [],
    };
    // A fifth of the sessions run the tracker's core build: no scroll depth.
    const measuresScroll = !conversions || random() >= 0.2;
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
    // A quarter of the shop's sessions walk to the checkout (then maybe on): funnels' paths.
    const walk =
      conversions && random() < 0.25
        ? [pick(random, SHOP_PATHS.slice(0, 2)), '/cart', '/checkout/7/done']
        : [];
    for (let p = 0; p < Math.max(pages, walk.length); p++) {
      const path = walk[p] ?? pick(random, paths);
      push('pageview', path);
      const beats = Math.floor(random() * (options.heartbeats ?? 3));
      for (let b = 0; b < beats; b++) {
        push('heartbeat', path, {
          engaged_ms: 1_000 + Math.floor(random() * 15_000),
          // A measured depth is never 0: the viewport's share of the page at least.
          scroll: measuresScroll ? 1 + Math.floor(random() * 100) : null,
          interactions: Math.floor(random() * 4),
        });
      }
      if (random() < 0.15) push('custom', path, { name: pick(random, CUSTOM), props: { p } });
      if (conversions) conversionEvents(random, path, push);
    }
    sessions.push(session);
  }
  const events = sessions.flatMap((s) => s.events).sort((a, b) => a.at.localeCompare(b.at));
  return { siteId: options.siteId, sessions, events };
}

type Push = (type: IngestEvent['type'], path: string, extra?: Partial<IngestEvent>) => void;

/** What a page view of a shop may bring besides heartbeats: purchases, 404s, links, vitals. */
function conversionEvents(random: () => number, path: string, push: Push): void {
  if (path === '/checkout/7/done' && random() < 0.7) {
    push('custom', path, {
      name: 'purchase',
      props: { plan: pick(random, PLANS), items: 1 + Math.floor(random() * 3) },
      revenue: {
        amount: Math.round(500 + random() * 20_000) / 100,
        currency: pick(random, CURRENCIES),
      },
    });
  }
  if (random() < 0.06) push('custom', path, { name: '404', props: { path: `${path}/gone` } });
  if (random() < 0.08) push('outbound', path, { name: pick(random, OUTBOUND) });
  if (random() < 0.05) push('download', path, { name: 'https://cdn.example/catalogue.pdf' });
  if (random() < 0.3) {
    const ms = (max: number) => Math.round(random() * max);
    push('vitals', path, {
      vitals: {
        lcp: 200 + ms(4_000),
        inp: random() < 0.3 ? null : 10 + ms(600),
        cls: Math.round(random() * 300) / 1000,
        ttfb: 20 + ms(900),
        fcp: 100 + ms(2_500),
      },
    });
  }
}
const OUTBOUND = ['https://partner.example/offer', 'https://github.com/sightline'] as const;

/** A session's running totals over `events` (its events so far, in time order). */
export function sessionState(
  events: IngestEvent[],
  returning: boolean,
  attribution: Pick<GeneratedSession, 'utm_term' | 'utm_content' | 'click_id'> = {
    utm_term: '',
    utm_content: '',
    click_id: '',
  },
): IngestSession {
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
    max_scroll: Math.max(0, ...beats.map((e) => e.scroll ?? 0)),
    interactions: beats.reduce((sum, e) => sum + e.interactions, 0),
    referrer_host: first.referrer_host,
    referrer_class: first.referrer_class,
    utm_source: first.utm_source,
    utm_medium: first.utm_medium,
    utm_campaign: first.utm_campaign,
    utm_term: attribution.utm_term,
    utm_content: attribution.utm_content,
    click_id: attribution.click_id,
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
  const bySession = new Map(traffic.sessions.map((s) => [s.session_id, s]));
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
      return sessionState(events, visitorList.indexOf(id) > 0, bySession.get(id));
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
