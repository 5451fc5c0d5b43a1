import { describe, expect, it } from 'vitest';
import type {
  IngestBatch,
  IngestEvent,
  IngestSession,
  IngestVisitor,
  IngestWire,
} from '../src/index.js';
import { fromIngestWire, toIngestWire } from '../src/index.js';

const place = {
  country: 'DE',
  region: 'BE',
  city: 'Berlin',
  latitude: 52.52,
  longitude: 13.4,
  device: 'mobile',
  browser: 'Safari',
  os: 'iOS',
} as const;
const source = {
  referrer_host: 'news.ycombinator.com',
  referrer_class: 'social',
  utm_source: 'hn',
  utm_medium: 'social',
  utm_campaign: 'launch',
} as const;

function session(
  id: string,
  visitor: string,
  overrides: Partial<IngestSession> = {},
): IngestSession {
  return {
    site_id: 'alpha',
    session_id: id,
    visitor_id: visitor,
    started_at: '2026-11-28T13:25:05.135Z',
    last_seen: '2026-11-28T13:26:41.973Z',
    entry_path: '/',
    exit_path: '/pricing',
    pageviews: 2,
    engaged_ms: 24_974,
    max_scroll: 98,
    interactions: 5,
    returning: false,
    ...source,
    ...place,
    ...overrides,
  };
}

function event(id: string, s: IngestSession, overrides: Partial<IngestEvent> = {}): IngestEvent {
  return {
    id,
    site_id: s.site_id,
    type: 'pageview',
    at: '2026-11-28T13:26:38.789Z',
    session_id: s.session_id,
    visitor_id: s.visitor_id,
    path: '/pricing',
    name: '',
    props: null,
    engaged_ms: 0,
    scroll: 0,
    interactions: 0,
    referrer_host: s.referrer_host,
    referrer_class: s.referrer_class,
    utm_source: s.utm_source,
    utm_medium: s.utm_medium,
    utm_campaign: s.utm_campaign,
    country: s.country,
    region: s.region,
    city: s.city,
    latitude: s.latitude,
    longitude: s.longitude,
    device: s.device,
    browser: s.browser,
    os: s.os,
    ...overrides,
  };
}

function visitor(id: string, overrides: Partial<IngestVisitor> = {}): IngestVisitor {
  return {
    site_id: 'alpha',
    visitor_id: id,
    first_seen: '2026-11-20T08:00:00.000Z',
    last_seen: '2026-11-28T13:26:41.973Z',
    last_path: '/pricing',
    value_score: 40,
    first_referrer_host: '',
    first_referrer_class: 'direct',
    utm_source: '',
    utm_medium: '',
    utm_campaign: '',
    ...place,
    ...overrides,
  };
}

const a = session('s-a', 'v-1');
const b = session('s-b', 'v-2', { latitude: null, longitude: null, returning: true });
const batch: IngestBatch = {
  batch_id: 'batch-1',
  store_raw: true,
  sessions: [a, b],
  visitors: [visitor('v-1'), visitor('v-2', { latitude: null, longitude: null })],
  events: [
    event('e-1', a),
    event('e-2', a, {
      type: 'heartbeat',
      engaged_ms: 15_000,
      scroll: 80,
      interactions: 3,
      at: '2026-11-28T13:26:41.973Z',
    }),
    event('e-3', b, { type: 'custom', name: 'signup', props: { plan: 'pro', seats: 3 } }),
    // The visitor's phone moved to another cell mid-session: the event keeps its own place.
    event('e-4', a, { country: 'FR', region: 'IDF', city: 'Paris' }),
    // A session the flush carries no row for (its state was swept).
    event('e-5', session('s-gone', 'v-3')),
  ],
};

/** The same flush with what conversions added: attribution, revenue, vitals, unmeasured scroll. */
const more = session('s-c', 'v-1', { utm_term: 'mugs', utm_content: 'header', click_id: 'gclid' });
const conversions: IngestBatch = {
  ...batch,
  batch_id: 'batch-2',
  sessions: [...batch.sessions, more],
  events: [
    ...batch.events,
    event('e-6', more, {
      type: 'custom',
      name: 'purchase',
      props: { plan: 'pro' },
      revenue: { amount: 29.9, currency: 'EUR' },
    }),
    event('e-7', more, {
      type: 'vitals',
      vitals: { lcp: 1200, inp: null, cls: 0.05, ttfb: 80, fcp: 400 },
    }),
    event('e-8', more, { type: 'heartbeat', engaged_ms: 5000, scroll: null }),
    // Revenue on an event that carries a context of its own.
    event('e-9', session('s-gone', 'v-3'), {
      type: 'custom',
      name: 'purchase',
      revenue: { amount: -5, currency: 'USD' },
    }),
  ],
};

describe('toIngestWire', () => {
  it('round-trips through fromIngestWire exactly, with revenue, vitals and attribution', () => {
    const wire = toIngestWire(conversions);
    const sent = JSON.parse(JSON.stringify(wire)) as IngestWire;
    const back = fromIngestWire(sent);
    // Sessions that did not say have the new attribution as '' once they have been through
    // the wire (what the database stores for them).
    const blank = { utm_term: '', utm_content: '', click_id: '' };
    expect(back).toEqual({
      ...conversions,
      sessions: conversions.sessions.map((s) => ({ ...blank, ...s })),
    });
    if (!('v' in sent)) throw new Error('expected the wire form');
    expect(sent.sessions[2]!.slice(24)).toEqual(['mugs', 'header', 'gclid']);
    // Extras after the context position: null there when the session row's context applies.
    expect(sent.events[5]!.slice(10)).toEqual([null, 29.9, 'EUR', null]);
    expect(sent.events[6]!.slice(10)).toEqual([null, null, null, [1200, null, 0.05, 80, 400]]);
    expect(sent.events[7]![8]).toBeNull();
    expect(sent.events[8]!.length).toBe(14);
  });

  it('round-trips through fromIngestWire exactly', () => {
    const blank = { utm_term: '', utm_content: '', click_id: '' };
    const withBlanks = { ...batch, sessions: batch.sessions.map((s) => ({ ...s, ...blank })) };
    expect(fromIngestWire(toIngestWire(batch))).toEqual(withBlanks);
    const sent = JSON.parse(JSON.stringify(toIngestWire(batch))) as IngestWire;
    expect(fromIngestWire(sent)).toEqual(withBlanks);
  });

  it('names the session of an event and carries a context only where it differs', () => {
    const wire = toIngestWire(batch);
    if (!('v' in wire)) throw new Error('expected the wire form');
    expect(wire).toMatchObject({ v: 2, batch_id: 'batch-1', site_id: 'alpha', store_raw: true });
    expect(wire.events.map((e) => [e[3], e.length])).toEqual([
      [0, 10],
      [0, 10],
      [1, 10],
      [0, 11],
      [-1, 11],
    ]);
    expect(wire.events[1]!.slice(0, 3)).toEqual([
      'e-2',
      'heartbeat',
      Date.parse('2026-11-28T13:26:41.973Z') * 1000,
    ]);
    expect(wire.sessions[1]!.slice(10, 12)).toEqual([null, null]);
  });

  it('is far smaller than the object form', () => {
    const wire = JSON.stringify(toIngestWire(batch)).length;
    expect(wire).toBeLessThan(JSON.stringify(batch).length * 0.6);
  });

  it('keeps the object form when rows belong to several sites or none', () => {
    const mixed = { ...batch, visitors: [visitor('v-1', { site_id: 'beta' })] };
    expect(toIngestWire(mixed)).toBe(mixed);
    const empty: IngestBatch = {
      batch_id: 'b',
      store_raw: false,
      events: [],
      sessions: [],
      visitors: [],
    };
    expect(toIngestWire(empty)).toBe(empty);
    expect(fromIngestWire(empty)).toBe(empty);
  });

  it('lets events name the first row of a session the flush carries twice', () => {
    const later = session('s-a', 'v-1', { pageviews: 3, last_seen: '2026-11-28T13:27:00.000Z' });
    const blank = { utm_term: '', utm_content: '', click_id: '' };
    const twice = { ...batch, sessions: [a, b, later].map((s) => ({ ...s, ...blank })) };
    const wire = toIngestWire(twice);
    if (!('v' in wire)) throw new Error('expected the wire form');
    expect(wire.events[0]![3]).toBe(0);
    expect(fromIngestWire(wire)).toEqual(twice);
  });
});
