/**
 * Wire limits for the tracker → Worker beacon. Enforced by the schema and exported so that the
 * tracker, the Worker and third-party senders agree on them.
 */

/**
 * Version of the canonical wire format (`v: 1`, whole-word fields): what `parseBatch` returns
 * whichever version was sent, and what third-party senders may keep sending.
 */
export const WIRE_VERSION = 1;

/**
 * Version of the compact wire format (`v: 2`, what the tracker sends): per-page-load fields
 * hoisted into the envelope, events as positional arrays. See events-v2.ts.
 */
export const COMPACT_WIRE_VERSION = 2;

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
  /**
   * v2's page-load id `p`: an expanded event id is `<p>-<sequence>`, at most 47 + 1 + 16
   * characters (the longest safe integer), so it always fits `eventId`.
   */
  loadId: 47,
  /** v2's per-page-load event sequence number. */
  sequence: Number.MAX_SAFE_INTEGER,
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
  /**
   * A custom event's revenue amount in the currency's major unit, either sign (refunds may be
   * negative): more than any single payment, little enough that sums of millions of them stay
   * exact to the cent in a double.
   */
  revenueAmount: 1_000_000_000,
  /** Client clocks may be wrong; the Worker clamps, the schema only rejects absurd values. */
  minTimestamp: Date.UTC(2020, 0, 1),
  maxTimestamp: Date.UTC(2100, 0, 1),
} as const;
