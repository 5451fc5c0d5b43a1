/** Ranking and probability metrics for binary outcomes: ROC AUC and the Brier score. */

/**
 * ROC AUC by the rank-sum (Mann–Whitney) formula, ties counted as half: the probability that a
 * random converting session scores above a random non-converting one.
 */
export function auc(scores: readonly number[], labels: readonly (0 | 1)[]): number {
  const order = scores.map((_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j < order.length && scores[order[j]!] === scores[order[i]!]) j++;
    const midRank = (i + 1 + j) / 2; // average 1-based rank of the tie block i..j-1
    for (let k = i; k < j; k++) {
      if (labels[order[k]!] === 1) {
        positives++;
        rankSum += midRank;
      }
    }
    i = j;
  }
  const negatives = order.length - positives;
  if (positives === 0 || negatives === 0) return NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Mean squared error of predicted probabilities against 0/1 outcomes. */
export function brier(probs: readonly number[], labels: readonly (0 | 1)[]): number {
  let sum = 0;
  for (let i = 0; i < probs.length; i++) sum += (probs[i]! - labels[i]!) ** 2;
  return sum / probs.length;
}

export interface ReliabilityBin {
  /** Score range [from, to) on the 0..100 scale. */
  from: number;
  to: number;
  n: number;
  meanPredicted: number;
  observed: number;
}

/** Reliability table over equal-width probability bins, plus the expected calibration error. */
export function reliability(
  probs: readonly number[],
  labels: readonly (0 | 1)[],
  edges: readonly number[] = [0, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0001],
): { bins: ReliabilityBin[]; ece: number } {
  const bins: ReliabilityBin[] = [];
  let ece = 0;
  for (let b = 0; b + 1 < edges.length; b++) {
    let n = 0;
    let p = 0;
    let y = 0;
    for (let i = 0; i < probs.length; i++) {
      if (probs[i]! >= edges[b]! && probs[i]! < edges[b + 1]!) {
        n++;
        p += probs[i]!;
        y += labels[i]!;
      }
    }
    const round = (x: number) => Math.round(x * 10000) / 10000;
    const from = Math.round(edges[b]! * 100);
    const to = Math.min(100, Math.round(edges[b + 1]! * 100));
    bins.push({ from, to, n, meanPredicted: n ? round(p / n) : 0, observed: n ? round(y / n) : 0 });
    ece += n ? Math.abs(p - y) / probs.length : 0;
  }
  return { bins, ece };
}
