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
} satisfies Omit<EnrichedEvent, keyof Event>;
