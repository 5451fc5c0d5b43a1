/**
 * The one percentile every benchmark reports: nearest rank. The p-th percentile of n samples is
 * the sample of rank ⌈p/100 · n⌉ in ascending order (the smallest sample with at least p % of
 * the samples at or below it). It is always a measured value, never an interpolation between
 * two, so a p95 of 20 runs is the 19th fastest run, and a p50 of an even count is the lower of
 * the two middle samples.
 */

/**
 * The nearest-rank `p`-th percentile (0–100) of `ascending`, which must be sorted from the
 * smallest; NaN when there are no samples. Unrounded: callers round for display.
 *
 * @example
 * const sorted = latencies.toSorted((a, b) => a - b);
 * const [p50, p95] = [percentile(sorted, 50), percentile(sorted, 95)];
 */
export function percentile(ascending: readonly number[], p: number): number {
  if (ascending.length === 0) return Number.NaN;
  // p · n first: (p / 100) · n can land a hair above a whole number (0.07 · 100 = 7.000…01).
  const rank = Math.ceil((p * ascending.length) / 100);
  return ascending[Math.min(ascending.length, Math.max(1, rank)) - 1]!;
}
