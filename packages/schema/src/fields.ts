/**
 * Field schemas shared by both wire versions, so a v1 event and the v2 event that expands to it
 * are held to exactly the same limits. Internal: the public schemas are in events.ts and
 * events-v2.ts.
 */
import { z } from 'zod';
import { LIMITS } from './limits.js';

const ID_CHARS = /^[A-Za-z0-9_-]+$/;
const ID_ERROR = 'expected letters, digits, "-" or "_"';

/** An id of the schema's charset, 8 to `max` characters. */
export const id = (max: number) => z.string().min(8).max(max).regex(ID_CHARS, { error: ID_ERROR });

/** A site's public id, as configured in the tracker's `data-site`. */
export const SiteId = z.string().min(1).max(LIMITS.siteId).regex(ID_CHARS, { error: ID_ERROR });

/** Path + query (+ hash when hash routing is on) of the page, relative to its origin. */
export const Path = z.string().min(1).max(LIMITS.url).startsWith('/');
export const Count = (max: number) => z.number().int().min(0).max(max);
export const Timestamp = z.number().int().min(LIMITS.minTimestamp).max(LIMITS.maxTimestamp);
export const Referrer = z.string().max(LIMITS.referrer);
export const Screen = z.tuple([Count(LIMITS.screen), Count(LIMITS.screen)]);
export const Language = z.string().max(LIMITS.language);
export const TimeZone = z.string().max(LIMITS.timeZone);
export const Title = z.string().max(LIMITS.title);
export const EventName = z.string().min(1).max(LIMITS.eventName);
export const Target = z.string().min(1).max(LIMITS.target);

export const PropValue = z.union([
  z.string().max(LIMITS.propValue),
  z.number().refine(Number.isFinite, { error: 'expected a finite number' }),
  z.boolean(),
  z.null(),
]);

export const Props = z
  .record(z.string().min(1).max(LIMITS.propKey), PropValue)
  .refine((p) => Object.keys(p).length <= LIMITS.maxProps, {
    error: `at most ${LIMITS.maxProps} props`,
  });

/**
 * Revenue on a custom event: an amount in the currency's major unit (29.9 is 29.90 EUR) and an
 * ISO 4217 code in upper case. No conversion: amounts are kept per currency.
 */
export const Revenue = z.strictObject({
  amount: z.number().min(-LIMITS.revenueAmount).max(LIMITS.revenueAmount),
  currency: z.string().regex(/^[A-Z]{3}$/, { error: 'expected an ISO 4217 code (EUR, USD, ...)' }),
});

/** Vitals bounds: ms, except CLS (unitless). */
export const Metric = (max: number) => z.number().min(0).max(max);
export const MAX_VITAL_MS = 600_000;
export const MAX_CLS = 100;
