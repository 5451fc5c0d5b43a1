/**
 * Pacing for benchmarks: load sent at a rate, phases of a set length. Not for tests, which wait
 * for a condition (`pollUntil` of @sightline/test-utils) or a sentinel instead.
 */
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
