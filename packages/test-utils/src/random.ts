/**
 * Seeded randomness for generated test data and hostile inputs: the same seed gives the same
 * sequence on every run and machine, so a failure replays by its seed and index.
 */

/**
 * mulberry32: a small, well-mixed 32-bit generator (one state word). Plenty for test data; not
 * for anything that must be unpredictable.
 *
 * @example
 * const random = mulberry32(42);
 * const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    // An unsigned 32-bit integer scaled into [0, 1).
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
