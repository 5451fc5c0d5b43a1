import type { Batch, EnrichedEvent, Event } from '../src/index.js';

let n = 0;
/** A fresh valid event id each call. */
export const eventId = () => `evt_${(n++).toString().padStart(8, '0')}`;

export const base = () => ({
  id: eventId(),
  ts: Date.UTC(2026, 10, 28, 12, 0, 0),
  session: '6f1c2a7e-5a3d-4c1b-9e2f-0a1b2c3d4e5f',
  visitor: '0b6e8d2c-3f4a-4b5c-8d9e-1f2a3b4c5d6e',
  url: '/pricing?utm_source=newsletter',
  referrer: 'https://www.google.com/',
  screen: [1440, 900] as [number, number],
  language: 'en-GB',
  timeZone: 'Europe/London',
  storage: true,
});

export const pageview = (over: Partial<Event> = {}): Event =>
  ({ ...base(), type: 'pageview', title: 'Pricing', ...over }) as Event;

export const batch = (events: unknown[] = [pageview()], over: Record<string, unknown> = {}) =>
  ({ v: 1, site: 'demo', events, ...over }) as Batch;

export const enrichment = {
  site: 'demo',
  receivedAt: Date.UTC(2026, 10, 28, 12, 0, 1),
  country: 'DE',
  region: 'Berlin',
  city: 'Berlin',
  latitude: 52.52,
  longitude: 13.405,
  geoTimeZone: 'Europe/Berlin',
  colo: 'FRA',
  device: 'desktop',
  browser: 'Chrome',
  os: 'macOS',
  referrerHost: 'www.google.com',
  referrerClass: 'search',
  utmSource: 'newsletter',
  utmMedium: '',
  utmCampaign: '',
  utmTerm: '',
  utmContent: '',
  clickId: '',
} satisfies Omit<EnrichedEvent, keyof Event>;

/** The per-page-load fields v2 hoists into its envelope. */
const hoisted = ['session', 'visitor', 'storage', 'screen', 'language', 'timeZone'] as const;

/**
 * A v1 batch in wire format v2, written independently of the schema's expansion (a test
 * oracle): every event must share the hoisted fields and have an id `<load id>-<sequence>`.
 */
export function toV2(v1: Batch): Record<string, unknown> {
  const first = v1.events[0]!;
  for (const event of v1.events) {
    for (const key of hoisted) {
      if (JSON.stringify(event[key]) !== JSON.stringify(first[key])) throw new Error(key);
    }
  }
  const loadId = first.id.slice(0, first.id.lastIndexOf('-'));
  const positions: Record<string, string[]> = {
    pageview: ['title'],
    heartbeat: ['engagedMs', 'scroll', 'interactions', 'final'],
    custom: ['name', 'props', 'revenue'],
    outbound: ['target'],
    download: ['target'],
    vitals: ['lcp', 'inp', 'cls', 'ttfb', 'fcp'],
  };
  const codes = Object.keys(positions);
  const envelope: Record<string, unknown> = {
    v: 2,
    s: v1.site,
    i: first.session,
    u: first.visitor,
    k: first.storage,
    p: loadId,
  };
  if (first.screen) envelope.w = first.screen;
  if (first.language !== undefined) envelope.l = first.language;
  if (first.timeZone !== undefined) envelope.z = first.timeZone;
  if (v1.automated !== undefined) envelope.a = v1.automated;
  envelope.e = v1.events.map((event) => {
    const fields = event as unknown as Record<string, unknown>;
    const tuple: unknown[] = [
      codes.indexOf(event.type),
      Number(event.id.slice(loadId.length + 1)),
      event.ts,
      event.url,
      event.referrer ?? null,
      ...positions[event.type]!.map((name) => fields[name] ?? null),
    ];
    while (tuple.length > 5 && tuple.at(-1) === null) tuple.pop();
    return tuple;
  });
  return envelope;
}

let load = 0;
/** A v1 batch of every kind whose events share a page load (so it has a v2 twin). */
export function samePageLoad(): Batch {
  const loadId = `load_${(load++).toString().padStart(6, '0')}`;
  const at = (sequence: number) => ({ ...base(), id: `${loadId}-${sequence}` });
  return batch([
    { ...at(0), type: 'pageview', title: 'Pricing' },
    { ...at(1), type: 'heartbeat', engagedMs: 15_000, scroll: 80, interactions: 3 },
    { ...at(2), type: 'heartbeat', engagedMs: 0, scroll: 80, interactions: 0, final: true },
    { ...at(3), type: 'custom', name: 'signup', props: { plan: 'pro', seats: 3, x: null } },
    { ...at(4), type: 'custom', name: 'no-props', referrer: undefined },
    {
      ...at(8),
      type: 'custom',
      name: 'purchase',
      revenue: { amount: 29.9, currency: 'EUR' },
    },
    { ...at(5), type: 'outbound', target: 'https://example.org/x' },
    { ...at(6), type: 'download', target: 'https://example.com/report.pdf' },
    { ...at(7), type: 'vitals', lcp: 1800, cls: 0.02, fcp: 900 },
    { ...at(9_007_199_254_740_991), type: 'pageview', referrer: '', title: undefined },
  ]);
}
