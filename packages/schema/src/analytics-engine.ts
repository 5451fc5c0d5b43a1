/**
 * The Analytics Engine column map: one data point per accepted event. Analytics Engine columns
 * are positional (blob1…blob20, double1…double20, index1), so the order below IS the storage
 * format: append, never reorder, and bump AE_SCHEMA_VERSION when meaning changes.
 *
 * Platform limits (Cloudflare docs, Workers Analytics Engine "Limits"): 20 blobs, 20 doubles,
 * one index of at most 96 bytes, blobs at most 16 KB in total per data point.
 */
import type { EnrichedEvent } from './enriched.js';

/** Stored in double1 of every point so queries can tell formats apart. */
export const AE_SCHEMA_VERSION = 1;

export const AE_LIMITS = { blobs: 20, doubles: 20, indexBytes: 96, blobBytes: 16 * 1024 } as const;

/** Blob columns, blob1 first. A comment per column says what it holds. */
export const AE_BLOBS = [
  'site', // blob1: site id (also the index, repeated so SQL can GROUP BY it)
  'type', // blob2: pageview | heartbeat | custom | outbound | download | vitals
  'path', // blob3: URL path + query (+ hash with hash routing)
  'referrer_host', // blob4: external referrer host, '' for direct/internal
  'referrer_class', // blob5: search | social | email | direct | other
  'country', // blob6: ISO 3166-1 alpha-2
  'region', // blob7: region / state name
  'city', // blob8: city name
  'device', // blob9: desktop | mobile | tablet | other
  'browser', // blob10: browser family
  'os', // blob11: operating system family
  'utm_source', // blob12
  'utm_medium', // blob13
  'utm_campaign', // blob14
  'name', // blob15: custom event name, or the outbound / download target URL
  'props', // blob16: custom event props as JSON, '' otherwise
  'visitor', // blob17: visitor id (random, cookieless; not personal data on its own)
  'session', // blob18: session id
  'colo', // blob19: Cloudflare colo that received it
  'language', // blob20: browser language
] as const;

/** Double columns, double1 first. */
export const AE_DOUBLES = [
  'schema_version', // double1: AE_SCHEMA_VERSION
  'client_ts', // double2: client timestamp, ms
  'engaged_ms', // double3: heartbeat: engaged ms since the previous beat
  'scroll', // double4: heartbeat: max scroll depth %
  'interactions', // double5: heartbeat: interactions since the previous beat
  'final', // double6: heartbeat: 1 when the page was hidden or closed
  'latitude', // double7: NaN-free: 0 when unknown (see has_geo)
  'longitude', // double8
  'has_geo', // double9: 1 when latitude/longitude are known
  'screen_width', // double10
  'screen_height', // double11
  'lcp', // double12: vitals, ms
  'inp', // double13: vitals, ms
  'cls', // double14: vitals, unitless
  'ttfb', // double15: vitals, ms
  'fcp', // double16: vitals, ms
  'storage', // double17: 1 when the tracker had storage (stable ids)
  'received_at', // double18: Worker receive time, ms
] as const;

export interface AnalyticsEngineDataPoint {
  indexes: [string];
  blobs: string[];
  doubles: number[];
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
 * Map an enriched event to its Analytics Engine data point.
 *
 * @example
 * env.EVENTS_AE.writeDataPoint(toDataPoint(event));
 */
export function toDataPoint(e: EnrichedEvent): AnalyticsEngineDataPoint {
  const hb = e.type === 'heartbeat' ? e : undefined;
  const vitals = e.type === 'vitals' ? e : undefined;
  const name =
    e.type === 'custom' ? e.name : e.type === 'outbound' || e.type === 'download' ? e.target : '';
  const props = e.type === 'custom' && e.props ? JSON.stringify(e.props) : '';
  const blobs = [
    e.site,
    e.type,
    e.url,
    e.referrerHost,
    e.referrerClass,
    e.country,
    e.region,
    e.city,
    e.device,
    e.browser,
    e.os,
    e.utmSource,
    e.utmMedium,
    e.utmCampaign,
    name,
    props,
    e.visitor,
    e.session,
    e.colo,
    e.language ?? '',
  ].map((blob) => truncateUtf8(blob, BLOB_BUDGET));
  const hasGeo = e.latitude !== null && e.longitude !== null;
  const doubles = [
    AE_SCHEMA_VERSION,
    e.ts,
    num(hb?.engagedMs),
    num(hb?.scroll),
    num(hb?.interactions),
    hb?.final ? 1 : 0,
    num(e.latitude),
    num(e.longitude),
    hasGeo ? 1 : 0,
    num(e.screen?.[0]),
    num(e.screen?.[1]),
    num(vitals?.lcp),
    num(vitals?.inp),
    num(vitals?.cls),
    num(vitals?.ttfb),
    num(vitals?.fcp),
    e.storage ? 1 : 0,
    e.receivedAt,
  ];
  return { indexes: [truncateUtf8(e.site, AE_LIMITS.indexBytes)], blobs, doubles };
}
