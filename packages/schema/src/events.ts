/**
 * The v1 event schema: one shared base extended per event kind (Zod 4, strict objects), and the
 * batch that carries them. Field names are short but whole words: the beacon stays small without
 * becoming a cipher for people writing their own senders.
 */
import { z } from 'zod';
import {
  Count,
  EventName,
  id,
  Language,
  MAX_CLS,
  MAX_VITAL_MS,
  Metric,
  Path,
  Props,
  Referrer,
  Revenue,
  Screen,
  SiteId as SiteIdField,
  Target,
  TimeZone,
  Timestamp,
  Title,
  type PropValue as PropValueField,
} from './fields.js';
import { LIMITS, MAX_EVENTS_PER_BATCH, WIRE_VERSION } from './limits.js';

/** A site's public id, as configured in the tracker's `data-site`. */
export const SiteId = SiteIdField;

/** Fields every event carries. */
export const BaseEvent = z.strictObject({
  /** Client event id: the Worker drops a second event with the same id (retries, reloads). */
  id: id(LIMITS.eventId),
  /** Client time in ms since the epoch. */
  ts: Timestamp,
  /** Session id: sessionStorage, ends with the tab. */
  session: id(LIMITS.sessionId),
  /** Visitor id: localStorage, 365 days, renewed on use. */
  visitor: id(LIMITS.visitorId),
  url: Path,
  /** Full referrer URL, empty for direct visits. */
  referrer: Referrer.optional(),
  /** Screen width and height in CSS pixels. */
  screen: Screen.optional(),
  language: Language.optional(),
  /** The browser's IANA time zone. */
  timeZone: TimeZone.optional(),
  /** False when storage was unavailable: ids then live only as long as the page. */
  storage: z.boolean(),
});

export const PageviewEvent = BaseEvent.extend({
  type: z.literal('pageview'),
  title: Title.optional(),
});

/** Engagement since the previous heartbeat of the same page view. */
export const HeartbeatEvent = BaseEvent.extend({
  type: z.literal('heartbeat'),
  engagedMs: Count(LIMITS.engagedMs),
  /**
   * Deepest scroll reached on this page view, percent. Absent (or, in v2, `null`) when the
   * sender does not measure scrolling (the tracker's core build): reports then leave the page
   * view out of scroll depth instead of counting it as 0.
   */
  scroll: Count(100).optional(),
  interactions: Count(LIMITS.interactions),
  /** Sent when the page is hidden or closed, so live counts drop at once. */
  final: z.boolean().optional(),
});

export const CustomEvent = BaseEvent.extend({
  type: z.literal('custom'),
  name: EventName,
  props: Props.optional(),
  /** A payment this event stands for (a purchase, a subscription). */
  revenue: Revenue.optional(),
});

export const OutboundEvent = BaseEvent.extend({ type: z.literal('outbound'), target: Target });
export const DownloadEvent = BaseEvent.extend({ type: z.literal('download'), target: Target });

/** Core Web Vitals, as the browser reported them (ms, CLS unitless). */
export const VitalsEvent = BaseEvent.extend({
  type: z.literal('vitals'),
  lcp: Metric(MAX_VITAL_MS).optional(),
  inp: Metric(MAX_VITAL_MS).optional(),
  cls: Metric(MAX_CLS).optional(),
  ttfb: Metric(MAX_VITAL_MS).optional(),
  fcp: Metric(MAX_VITAL_MS).optional(),
});

export const Event = z.discriminatedUnion('type', [
  PageviewEvent,
  HeartbeatEvent,
  CustomEvent,
  OutboundEvent,
  DownloadEvent,
  VitalsEvent,
]);

/** What the tracker sends: `{ v: 1, site, events }`. */
export const Batch = z.strictObject({
  v: z.literal(WIRE_VERSION, { error: 'expected 1 or 2 (the compact format, see BatchV2)' }),
  site: SiteId,
  events: z.array(Event).min(1).max(MAX_EVENTS_PER_BATCH),
  /** Set by the tracker when it sees automation (navigator.webdriver and similar). */
  automated: z.boolean().optional(),
});

export type SiteId = z.infer<typeof SiteId>;
export type BaseEvent = z.infer<typeof BaseEvent>;
export type PageviewEvent = z.infer<typeof PageviewEvent>;
export type HeartbeatEvent = z.infer<typeof HeartbeatEvent>;
export type CustomEvent = z.infer<typeof CustomEvent>;
export type OutboundEvent = z.infer<typeof OutboundEvent>;
export type DownloadEvent = z.infer<typeof DownloadEvent>;
export type VitalsEvent = z.infer<typeof VitalsEvent>;
export type Event = z.infer<typeof Event>;
export type EventType = Event['type'];
export type Batch = z.infer<typeof Batch>;
/** A prop value: string, finite number, boolean or null. */
export type PropValue = z.infer<typeof PropValueField>;
