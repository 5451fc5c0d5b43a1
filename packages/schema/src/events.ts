/**
 * The v1 event schema: one shared base extended per event kind (Zod 4, strict objects), and the
 * batch that carries them. Field names are short but whole words: the beacon stays small without
 * becoming a cipher for people writing their own senders.
 */
import { z } from 'zod';
import { LIMITS, MAX_EVENTS_PER_BATCH, WIRE_VERSION } from './limits.js';

const id = (max: number) =>
  z
    .string()
    .min(8)
    .max(max)
    .regex(/^[A-Za-z0-9_-]+$/, { error: 'expected letters, digits, "-" or "_"' });

/** A site's public id, as configured in the tracker's `data-site`. */
export const SiteId = z
  .string()
  .min(1)
  .max(LIMITS.siteId)
  .regex(/^[A-Za-z0-9_-]+$/, { error: 'expected letters, digits, "-" or "_"' });

/** Path + query (+ hash when hash routing is on) of the page, relative to its origin. */
const Path = z.string().min(1).max(LIMITS.url).startsWith('/');
const Count = (max: number) => z.number().int().min(0).max(max);

/** Fields every event carries. */
export const BaseEvent = z.strictObject({
  /** Client event id: the Worker drops a second event with the same id (retries, reloads). */
  id: id(LIMITS.eventId),
  /** Client time in ms since the epoch. */
  ts: z.number().int().min(LIMITS.minTimestamp).max(LIMITS.maxTimestamp),
  /** Session id: sessionStorage, ends with the tab. */
  session: id(LIMITS.sessionId),
  /** Visitor id: localStorage, 365 days, renewed on use. */
  visitor: id(LIMITS.visitorId),
  url: Path,
  /** Full referrer URL, empty for direct visits. */
  referrer: z.string().max(LIMITS.referrer).optional(),
  /** Screen width and height in CSS pixels. */
  screen: z.tuple([Count(LIMITS.screen), Count(LIMITS.screen)]).optional(),
  language: z.string().max(LIMITS.language).optional(),
  /** The browser's IANA time zone. */
  timeZone: z.string().max(LIMITS.timeZone).optional(),
  /** False when storage was unavailable: ids then live only as long as the page. */
  storage: z.boolean(),
});

export const PageviewEvent = BaseEvent.extend({
  type: z.literal('pageview'),
  title: z.string().max(LIMITS.title).optional(),
});

/** Engagement since the previous heartbeat of the same page view. */
export const HeartbeatEvent = BaseEvent.extend({
  type: z.literal('heartbeat'),
  engagedMs: Count(LIMITS.engagedMs),
  /** Deepest scroll reached on this page view, percent. */
  scroll: Count(100),
  interactions: Count(LIMITS.interactions),
  /** Sent when the page is hidden or closed, so live counts drop at once. */
  final: z.boolean().optional(),
});

const PropValue = z.union([
  z.string().max(LIMITS.propValue),
  z.number().refine(Number.isFinite, { error: 'expected a finite number' }),
  z.boolean(),
  z.null(),
]);

export const CustomEvent = BaseEvent.extend({
  type: z.literal('custom'),
  name: z.string().min(1).max(LIMITS.eventName),
  props: z
    .record(z.string().min(1).max(LIMITS.propKey), PropValue)
    .refine((p) => Object.keys(p).length <= LIMITS.maxProps, {
      error: `at most ${LIMITS.maxProps} props`,
    })
    .optional(),
});

const Target = z.string().min(1).max(LIMITS.target);

export const OutboundEvent = BaseEvent.extend({ type: z.literal('outbound'), target: Target });
export const DownloadEvent = BaseEvent.extend({ type: z.literal('download'), target: Target });

const Metric = (max: number) => z.number().min(0).max(max).optional();

/** Core Web Vitals, as the browser reported them (ms, CLS unitless). */
export const VitalsEvent = BaseEvent.extend({
  type: z.literal('vitals'),
  lcp: Metric(600_000),
  inp: Metric(600_000),
  cls: Metric(100),
  ttfb: Metric(600_000),
  fcp: Metric(600_000),
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
  v: z.literal(WIRE_VERSION),
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
export type PropValue = z.infer<typeof PropValue>;
