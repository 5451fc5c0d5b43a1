/**
 * Wire limits copied from @sightline/schema as plain numbers, so the tracker ships none of zod.
 * test/limits.test.ts asserts that every value here equals the schema's export.
 */

/** The tracker sends the compact wire format v2 (the schema's `COMPACT_WIRE_VERSION`). */
export const COMPACT_WIRE_VERSION = 2;
export const MAX_EVENTS_PER_BATCH = 50;
export const MAX_BODY_BYTES = 16 * 1024;

/** The subset of the schema's `LIMITS` that the tracker enforces before sending. */
export const LIMITS = {
  url: 1024,
  referrer: 1024,
  title: 256,
  eventName: 64,
  propKey: 64,
  propValue: 256,
  target: 1024,
  maxProps: 20,
  engagedMs: 3_600_000,
  interactions: 100_000,
  revenueAmount: 1_000_000_000,
} as const;

/** Vitals bounds (ms, CLS unitless), as in the schema's VitalsEvent. */
export const MAX_VITAL_MS = 600_000;
export const MAX_CLS = 100;

/** Events kept while sending fails; the oldest go first. Twice a batch so one retry fits. */
export const MAX_QUEUE = 2 * MAX_EVENTS_PER_BATCH;

/** The visitor id lives this long after the last visit (renewed on every page load). */
export const VISITOR_TTL_MS = 365 * 24 * 60 * 60 * 1000;
