/**
 * Field schemas shared by both wire versions, so a v1 event and the v2 event that expands to it
 * are held to exactly the same limits. Internal: the public schemas are in events.ts and
 * events-v2.ts.
 */
import * as z from 'zod/mini';
import { LIMITS } from './limits.js';
import { cleanText, STORABLE_TEXT, STORABLE_TEXT_ERROR } from './text.js';

const ID_CHARS = /^[A-Za-z0-9_-]+$/;
const ID_ERROR = 'expected letters, digits, "-" or "_"';

/** An id of the schema's charset, 8 to `max` characters. */
export const id = (max: number) =>
  z.string().check(z.minLength(8), z.maxLength(max), z.regex(ID_CHARS, { error: ID_ERROR }));

/** A site's public id, as configured in the tracker's `data-site`. */
export const SiteId = z
  .string()
  .check(z.minLength(1), z.maxLength(LIMITS.siteId), z.regex(ID_CHARS, { error: ID_ERROR }));

/**
 * Text a browser produces already encoded (URLs, language tags, zone names): a control
 * character or an unpaired surrogate there means a broken or hostile sender, so it is refused
 * (`invalid_format`) rather than silently changed.
 */
const encoded = (max: number, ...more: z.core.$ZodCheck<string>[]) =>
  z
    .string()
    .check(z.maxLength(max), z.regex(STORABLE_TEXT, { error: STORABLE_TEXT_ERROR }), ...more);

/**
 * Free text (page titles, event names, property keys and values): normalised by `cleanText`
 * (unpaired surrogates become U+FFFD, line breaks and tabs a space, other control characters
 * are removed), because a real page or a tracker's own cut of a long title can produce them and
 * a whole batch should not be lost for it. The limit applies to what was sent.
 */
const freeText = (max: number, ...more: z.core.$ZodCheck<string>[]) =>
  z.string().check(
    z.maxLength(max),
    z.overwrite((text) => cleanText(text)),
    ...more,
  );

/** Path + query (+ hash when hash routing is on) of the page, relative to its origin. */
export const Path = encoded(LIMITS.url, z.minLength(1), z.startsWith('/'));
export const Count = (max: number) => z.int().check(z.gte(0), z.lte(max));
export const Timestamp = z.int().check(z.gte(LIMITS.minTimestamp), z.lte(LIMITS.maxTimestamp));
export const Referrer = encoded(LIMITS.referrer);
export const Screen = z.tuple([Count(LIMITS.screen), Count(LIMITS.screen)]);
export const Language = encoded(LIMITS.language);
export const TimeZone = encoded(LIMITS.timeZone);
export const Title = freeText(LIMITS.title);
/** At least one character once normalised. */
export const EventName = freeText(LIMITS.eventName, z.minLength(1));
export const Target = encoded(LIMITS.target, z.minLength(1));

export const PropValue = z.union([
  freeText(LIMITS.propValue),
  z.number().check(z.refine(Number.isFinite, { error: 'expected a finite number' })),
  z.boolean(),
  z.null(),
]);

/** Keys are normalised like values; two keys that normalise alike keep the later value. */
export const Props = z.record(freeText(LIMITS.propKey, z.minLength(1)), PropValue).check(
  z.refine((p) => Object.keys(p).length <= LIMITS.maxProps, {
    error: `at most ${LIMITS.maxProps} props`,
  }),
);

/**
 * Revenue on a custom event: an amount in the currency's major unit (29.9 is 29.90 EUR) and an
 * ISO 4217 code in upper case. No conversion: amounts are kept per currency.
 */
export const Revenue = z.strictObject({
  amount: z.number().check(z.gte(-LIMITS.revenueAmount), z.lte(LIMITS.revenueAmount)),
  currency: z
    .string()
    .check(z.regex(/^[A-Z]{3}$/, { error: 'expected an ISO 4217 code (EUR, USD, ...)' })),
});

/** Vitals bounds: ms, except CLS (unitless). */
export const Metric = (max: number) => z.number().check(z.gte(0), z.lte(max));
export const MAX_VITAL_MS = 600_000;
export const MAX_CLS = 100;
