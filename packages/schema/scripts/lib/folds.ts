/** Seeded randomness and stratified k-fold assignment, so every fit and CV run is repeatable. */

/** mulberry32: a tiny, well-mixed 32-bit PRNG; plenty for shuffling fold assignments. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Fold index (0..k-1) per row, with each class dealt round-robin after a seeded shuffle so
 * every fold keeps the overall conversion rate.
 */
export function stratifiedFolds(labels: readonly (0 | 1)[], k: number, seed: number): number[] {
  const random = mulberry32(seed);
  const fold = new Array<number>(labels.length).fill(0);
  for (const cls of [0, 1] as const) {
    const idx = labels.flatMap((y, i) => (y === cls ? [i] : []));
    for (let i = idx.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [idx[i], idx[j]] = [idx[j]!, idx[i]!];
    }
    idx.forEach((row, n) => (fold[row] = n % k));
  }
  return fold;
}
