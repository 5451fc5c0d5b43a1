/**
 * The Analytics Engine column map. Analytics Engine columns are positional (blob1…blob20,
 * double1…double20, index1), so the lists below ARE the storage format, one per format version.
 * `index1` is always the site and `double1` always the format version: readers branch on it
 * (analytics-engine-sql.ts) and never mix formats. A new format appends a version; columns keep
 * their position and meaning across versions wherever they can (a dimension's blob, engaged
 * time, the vitals), so queries that read only those work on every version.
 *
 * Format 2 (written since the live layer started writing points, one per event that a report
 * needs, by the site's SiteLive object): each point carries ADDITIVE measures taken from the
 * object's exact session and visitor state, so any report over any range and filter is
 * `SUM(measure * _sample_interval)`: exact while Analytics Engine does not sample, unbiased when
 * it does. The dimensions are the SESSION's (as at its first event, like Postgres' sessions), and
 * every point is attributed to the site-local hour its session started in, as every Postgres
 * report path does. Format 1 (before): one point per accepted event with the event's own fields.
 *
 * Reserved columns (blob20, double17, double19, double20) are written empty / 0. They are kept
 * for conversions (goal and conversion flags, revenue, click ids): a reserved column may take a
 * meaning whose empty / 0 value means "none" without a version bump (every earlier point then
 * correctly reads as "no goal, no revenue"); any other change of meaning bumps the version.
 *
 * Platform limits (developers.cloudflare.com/analytics/analytics-engine/limits): 20 blobs, 20
 * doubles, one index of at most 96 bytes, 16 KB of blobs per data point, and at most 250 data
 * points per Worker invocation (each `writeDataPoint` call counts).
 */
import type { EnrichedEvent } from './enriched.js';

/** Stored in double1 of every point so queries can tell formats apart. */
export const AE_SCHEMA_VERSION = 2;

export const AE_LIMITS = {
  blobs: 20,
  doubles: 20,
  indexBytes: 96,
  blobBytes: 16 * 1024,
  /** `writeDataPoint` calls per Worker invocation (a Durable Object call is one). */
  pointsPerInvocation: 250,
} as const;

/** Format 2's version blob (blob1): a ':' never occurs in a site id, format 1's blob1. */
export const AE_FORMAT_TAG = 'sightline:2';

/** Format 1's blob columns (kept for readers of points written before format 2). */
export const AE_BLOBS_V1 = [
  'site',
  'type',
  'path',
  'referrer_host',
  'referrer_class',
  'country',
  'region',
  'city',
  'device',
  'browser',
  'os',
  'utm_source',
  'utm_medium',
  'utm_campaign',
  'name',
  'props',
  'visitor',
  'session',
  'colo',
  'language',
] as const;

/** Format 1's double columns. */
export const AE_DOUBLES_V1 = [
  'schema_version',
  'client_ts',
  'engaged_ms',
  'scroll',
  'interactions',
  'final',
  'latitude',
  'longitude',
  'has_geo',
  'screen_width',
  'screen_height',
  'lcp',
  'inp',
  'cls',
  'ttfb',
  'fcp',
  'storage',
  'received_at',
] as const;

/** Format 2's blob columns, blob1 first. Dimensions are the session's unless said otherwise. */
export const AE_BLOBS = [
  'format', // blob1: AE_FORMAT_TAG (the site is index1)
  'type', // blob2: the event's type: pageview | heartbeat | custom | outbound | download | vitals
  'path', // blob3: the event's page (URL path + query, + hash with hash routing)
  'referrer_host', // blob4: external referrer host, '' for direct
  'referrer_class', // blob5: search | social | email | direct | other
  'country', // blob6: ISO 3166-1 alpha-2
  'region', // blob7
  'city', // blob8
  'device', // blob9: desktop | mobile | tablet | other
  'browser', // blob10
  'os', // blob11
  'utm_source', // blob12
  'utm_medium', // blob13
  'utm_campaign', // blob14
  'name', // blob15: the event's custom event name, or its outbound / download target
  'props', // blob16: the custom event's props as JSON, '' otherwise
  'visitor', // blob17: visitor id (random, cookieless)
  'session', // blob18: session id
  'entry_page', // blob19: the session's first page
  'reserved_blob20', // blob20: reserved (conversions), ''
] as const;

/** Format 2's double columns, double1 first. Measures are summed times `_sample_interval`. */
export const AE_DOUBLES = [
  'format_version', // double1: AE_SCHEMA_VERSION
  'session_hour', // double2: ms, the site-local hour the session started in (the report bucket)
  'engaged_ms', // double3: measure: engaged time added on `path` (as in format 1)
  'pageviews', // double4: measure: 1 for a page view
  'visits', // double5: measure: 1 on the session's first point
  'visitor_days', // double6: measure: 1 on the visitor's first session start of its site-local day
  'page_visits', // double7: measure: 1 on the session's first event on `path`
  'bounces', // double8: measure: +1 on the session's first page view, -1 on its second
  'event_visits', // double9: measure: 1 on the session's first custom event of `name`
  'value_score', // double10: measure: change of the session's value score (sum: its latest)
  'session_day', // double11: ms, the site-local midnight of the day the session started
  'lcp', // double12: vitals, ms (as in format 1)
  'inp', // double13: vitals, ms
  'cls', // double14: vitals, unitless
  'ttfb', // double15: vitals, ms
  'fcp', // double16: vitals, ms
  'reserved_double17', // double17: reserved (conversions), 0
  'received_at', // double18: Worker receive time, ms (as in format 1)
  'reserved_double19', // double19: reserved (conversions), 0
  'reserved_double20', // double20: reserved (conversions), 0
] as const;

export type AeBlob = (typeof AE_BLOBS)[number];
export type AeDouble = (typeof AE_DOUBLES)[number];

/** The SQL column of a format-2 field: `blob3` for `'path'`, `double4` for `'pageviews'`. */
export function aeColumn(name: AeBlob | AeDouble): string {
  const blob = (AE_BLOBS as readonly string[]).indexOf(name);
  if (blob >= 0) return `blob${blob + 1}`;
  return `double${(AE_DOUBLES as readonly string[]).indexOf(name) + 1}`;
}

export interface AnalyticsEngineDataPoint {
  indexes: [string];
  blobs: string[];
  doubles: number[];
}

/** What a point says about its session: the session's dimensions, as at its first event. */
export interface PointSession {
  visitor: string;
  session: string;
  entryPage: string;
  referrerHost: string;
  referrerClass: string;
  utmSource: string;
  utmMedium: string;
  utmCampaign: string;
  country: string;
  region: string;
  city: string;
  device: string;
  browser: string;
  os: string;
  /** ms: start of the site-local hour the session started in. */
  hour: number;
  /** ms: site-local midnight of the day the session started. */
  day: number;
}

/** The additive measures of one point (see AE_DOUBLES). */
export interface PointMeasures {
  pageviews: number;
  visits: number;
  visitorDays: number;
  pageVisits: number;
  bounces: number;
  engagedMs: number;
  eventVisits: number;
  valueScore: number;
}

export const NO_MEASURES: Readonly<PointMeasures> = {
  pageviews: 0,
  visits: 0,
  visitorDays: 0,
  pageVisits: 0,
  bounces: 0,
  engagedMs: 0,
  eventVisits: 0,
  valueScore: 0,
};

/**
 * Whether an event needs a data point: every page view, custom, link and vitals event (a
 * report counts them), and any other event (a heartbeat) only when it changes a measure.
 *
 * @example
 * if (needsDataPoint(event, measures)) env.EVENTS_AE.writeDataPoint(toDataPoint(event, session, measures));
 */
export function needsDataPoint(e: EnrichedEvent, m: PointMeasures): boolean {
  if (e.type !== 'heartbeat') return true;
  for (const key in m) if (m[key as keyof PointMeasures] !== 0) return true;
  return false;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Cut `text` to at most `maxBytes` of UTF-8 without splitting a character. */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (text.length * 3 <= maxBytes) return text;
  const bytes = encoder.encode(text);
  if (bytes.byteLength <= maxBytes) return text;
  let end = maxBytes;
  // Step back over continuation bytes (10xxxxxx) so the cut lands on a character boundary.
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
  return decoder.decode(bytes.subarray(0, end));
}

/** Per-blob budget: the 16 KB total shared evenly keeps every point under the limit whatever
 * the mix; the wire limits already keep real events far below it. */
const BLOB_BUDGET = Math.floor(AE_LIMITS.blobBytes / AE_LIMITS.blobs);

function num(value: number | null | undefined): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

/**
 * The format-2 data point of an accepted event, with its session's dimensions and the measures
 * the site's SiteLive object computed from its exact state.
 *
 * @example
 * env.EVENTS_AE.writeDataPoint(toDataPoint(event, session, measures));
 */
export function toDataPoint(
  e: EnrichedEvent,
  s: PointSession,
  m: PointMeasures,
): AnalyticsEngineDataPoint {
  const vitals = e.type === 'vitals' ? e : undefined;
  const name =
    e.type === 'custom' ? e.name : e.type === 'outbound' || e.type === 'download' ? e.target : '';
  const props = e.type === 'custom' && e.props ? JSON.stringify(e.props) : '';
  const blobs = [
    AE_FORMAT_TAG,
    e.type,
    e.url,
    s.referrerHost,
    s.referrerClass,
    s.country,
    s.region,
    s.city,
    s.device,
    s.browser,
    s.os,
    s.utmSource,
    s.utmMedium,
    s.utmCampaign,
    name,
    props,
    s.visitor,
    s.session,
    s.entryPage,
    '',
  ].map((blob) => truncateUtf8(blob, BLOB_BUDGET));
  const doubles = [
    AE_SCHEMA_VERSION,
    s.hour,
    num(m.engagedMs),
    m.pageviews,
    m.visits,
    m.visitorDays,
    m.pageVisits,
    m.bounces,
    m.eventVisits,
    num(m.valueScore),
    s.day,
    num(vitals?.lcp),
    num(vitals?.inp),
    num(vitals?.cls),
    num(vitals?.ttfb),
    num(vitals?.fcp),
    0,
    e.receivedAt,
    0,
    0,
  ];
  return { indexes: [truncateUtf8(e.site, AE_LIMITS.indexBytes)], blobs, doubles };
}
