/**
 * What the ingest Worker knows about an event after enrichment: the wire event plus geo from
 * `request.cf`, the parsed user agent, the referrer's class, the UTM parameters and the click-id
 * kind. Shared by the Worker, the Analytics Engine column map and the database payload. The
 * event's `url` is its page by then (the path, without the query string the Worker split off).
 */
import type { Event } from './events.js';

/** Where a visit came from. `direct` means no referrer and no campaign; `ai` an AI assistant. */
export const REFERRER_CLASSES = ['search', 'social', 'ai', 'email', 'direct', 'other'] as const;
export type ReferrerClass = (typeof REFERRER_CLASSES)[number];

export const DEVICE_TYPES = ['desktop', 'mobile', 'tablet', 'other'] as const;
export type DeviceType = (typeof DEVICE_TYPES)[number];

/** Server-side facts about an event. Unknown values are empty strings / null, never guesses. */
export interface Enrichment {
  site: string;
  /** Worker receive time, ms since the epoch (the clock the reports use). */
  receivedAt: number;
  country: string; // ISO 3166-1 alpha-2, '' when unknown
  region: string;
  city: string;
  latitude: number | null;
  longitude: number | null;
  /** IANA time zone of the visitor's location, from request.cf. */
  geoTimeZone: string;
  /** Cloudflare data centre that served the beacon. */
  colo: string;
  device: DeviceType;
  browser: string;
  os: string;
  /** Host of an external referrer; '' for direct and same-site navigation. */
  referrerHost: string;
  referrerClass: ReferrerClass;
  utmSource: string;
  utmMedium: string;
  utmCampaign: string;
  utmTerm: string;
  utmContent: string;
  /**
   * The ad click id parameter the landing URL carried (`gclid`, `fbclid`, ... : see
   * `CLICK_ID_PARAMS`), by name; never its value. '' when none.
   */
  clickId: string;
}

export type EnrichedEvent = Event & Enrichment;
