/**
 * Wire limits for the tracker → Worker beacon. Enforced by the schema and exported so that the
 * tracker, the Worker and third-party senders agree on them.
 */

/** Wire format version carried in every batch as `v`. */
export const WIRE_VERSION = 1;

/** Events in one beacon batch. The tracker flushes before it reaches this. */
export const MAX_EVENTS_PER_BATCH = 50;

/** Request body cap in bytes (UTF-8). `navigator.sendBeacon` payloads are capped near 64 KB in
 * browsers; we stay far below so one beacon never dominates a Worker's CPU budget. */
export const MAX_BODY_BYTES = 16 * 1024;

/** Bounds on every string on the wire, in UTF-16 code units (what zod measures). */
export const LIMITS = {
  siteId: 64,
  eventId: 64,
  sessionId: 64,
  visitorId: 64,
  url: 1024,
  referrer: 1024,
  title: 256,
  language: 35, // longest practical BCP 47 tag
  timeZone: 64, // IANA names are at most ~30 characters
  eventName: 64,
  propKey: 64,
  propValue: 256,
  target: 1024,
  maxProps: 20,
  /** Largest plausible screen edge in CSS pixels. */
  screen: 100_000,
  /** A heartbeat covers at most one hour of engagement; the tracker beats far more often. */
  engagedMs: 3_600_000,
  interactions: 100_000,
  /** Client clocks may be wrong; the Worker clamps, the schema only rejects absurd values. */
  minTimestamp: Date.UTC(2020, 0, 1),
  maxTimestamp: Date.UTC(2100, 0, 1),
} as const;
