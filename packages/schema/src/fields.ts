/**
 * Field schemas shared by both wire versions, so a v1 event and the v2 event that expands to it
 * are held to exactly the same limits. Internal: the public schemas are in events.ts and
 * events-v2.ts.
 */
import { z } from 'zod';
import { LIMITS } from './limits.js';
import { cleanText, STORABLE_TEXT, STORABLE_TEXT_ERROR } from './text.js';

const ID_CHARS = /^[A-Za-z0-9_-]+$/;
const ID_ERROR = 'expected letters, digits, "-" or "_"';

/** An id of the schema's charset, 8 to `max` characters. */
export const id = (max: number) => z.string().min(8).max(max).regex(ID_CHARS, { error: ID_ERROR });

/** A site's public id, as configured in the tracker's `data-site`. */
export const SiteId = z.string().min(1).max(LIMITS.siteId).regex(ID_CHARS, { error: ID_ERROR });

/**
 * Text a browser produces already encoded (URLs, language tags, zone names): a control
 * character or an unpaired surrogate there means a broken or hostile sender, so it is refused
 * (`invalid_format`) rather than silently changed.
 */
const encoded = (max: number) =>
  z.string().max(max).regex(STORABLE_TEXT, { error: STORABLE_TEXT_ERROR });

/**
 * Free text (page titles, event names, property keys and values): normalised by `cleanText`
 * (unpaired surrogates become U+FFFD, line breaks and tabs a space, other control characters
 * are removed), because a real page or a tracker's own cut of a long title can produce them and
 * a whole batch should not be lost for it. The limit applies to what was sent.
 */
const freeText = (max: number) =>
  z
    .string()
    .max(max)
    .overwrite((text) => cleanText(text));

/** Path + query (+ hash when hash routing is on) of the page, relative to its origin. */
export const Path = encoded(LIMITS.url).min(1).startsWith('/');
export const Count = (max: number) => z.number().int().min(0).max(max);
export const Timestamp = z.number().int().min(LIMITS.minTimestamp).max(LIMITS.maxTimestamp);
export const Referrer = encoded(LIMITS.referrer);
export const Screen = z.tuple([Count(LIMITS.screen), Count(LIMITS.screen)]);
export const Language = encoded(LIMITS.language);
export const TimeZone = encoded(LIMITS.timeZone);
export const Title = freeText(LIMITS.title);
/** At least one character once normalised. */
export const EventName = freeText(LIMITS.eventName).min(1);
export const Target = encoded(LIMITS.target).min(1);

export const PropValue = z.union([
  freeText(LIMITS.propValue),
  z.number().refine(Number.isFinite, { error: 'expected a finite number' }),
  z.boolean(),
  z.null(),
]);

/** Keys are normalised like values; two keys that normalise alike keep the later value. */
export const Props = z
  .record(freeText(LIMITS.propKey).min(1), PropValue)
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
