/**
 * Revenue on custom events (full build): `track('purchase', props, { amount: 29.9,
 * currency: 'EUR' })`. An amount that is no finite number within the schema's bounds, or a
 * currency that is no upper-case three-letter code, leaves the revenue out and still sends the event: one
 * bad call never costs a batch.
 */
import { LIMITS } from './limits.js';

/** A payment attached to a custom event. */
export interface Revenue {
  /** In the currency's major unit (29.9 is 29.90 EUR); a numeric string is read as a number. */
  amount: number | string;
  /** ISO 4217 code in upper case, e.g. `EUR`. */
  currency: string;
}

/** The schema's revenue (the amount a number), or undefined if unusable. */
export const cleanRevenue = (input: Revenue | undefined) => {
  const amount = +(input?.amount as number);
  // NaN fails the comparison (and short-circuits before input is read).
  return amount * amount <= LIMITS.revenueAmount ** 2 && /^[A-Z]{3}$/.test(input!.currency)
    ? { amount, currency: input!.currency }
    : undefined;
};
