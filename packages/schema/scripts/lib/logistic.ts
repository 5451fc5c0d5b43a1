/**
 * L2-regularised logistic regression by Newton's method (IRLS). Features are standardised for
 * the fit, so one penalty suits them all, and the scaling is folded back into the weights: the
 * shipped model applies to raw feature values with no preprocessing step at scoring time.
 */
import { solveSpd } from './linalg.js';

export interface LogisticFit {
  intercept: number;
  weights: number[];
}

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

export function fitLogistic(
  x: readonly number[][],
  y: readonly (0 | 1)[],
  { l2 = 1, iterations = 50 }: { l2?: number; iterations?: number } = {},
): LogisticFit {
  const n = x.length;
  const d = x[0]?.length ?? 0;
  const mean = new Array<number>(d).fill(0);
  const sd = new Array<number>(d).fill(0);
  for (const row of x) row.forEach((v, j) => (mean[j]! += v / n));
  for (const row of x) row.forEach((v, j) => (sd[j]! += (v - mean[j]!) ** 2 / n));
  for (let j = 0; j < d; j++) sd[j] = Math.sqrt(sd[j]!) || 1;
  const z = x.map((row) => [1, ...row.map((v, j) => (v - mean[j]!) / sd[j]!)]);
  const beta = new Array<number>(d + 1).fill(0);
  for (let it = 0; it < iterations; it++) {
    const grad = beta.map((b, j) => (j === 0 ? 0 : l2 * b));
    const hess = beta.map((_, i) => beta.map((_, j) => (i === j && i > 0 ? l2 : 0)));
    for (let i = 0; i < n; i++) {
      const row = z[i]!;
      let eta = 0;
      for (let j = 0; j <= d; j++) eta += beta[j]! * row[j]!;
      const p = sigmoid(eta);
      const w = Math.max(p * (1 - p), 1e-9);
      for (let j = 0; j <= d; j++) {
        grad[j]! += (p - y[i]!) * row[j]!;
        for (let k = 0; k <= j; k++) hess[j]![k]! += w * row[j]! * row[k]!;
      }
    }
    for (let j = 0; j <= d; j++) for (let k = 0; k < j; k++) hess[k]![j] = hess[j]![k]!;
    const step = solveSpd(hess, grad);
    let size = 0;
    for (let j = 0; j <= d; j++) {
      beta[j]! -= step[j]!;
      size = Math.max(size, Math.abs(step[j]!));
    }
    if (size < 1e-8) break;
  }
  const weights = mean.map((_, j) => beta[j + 1]! / sd[j]!);
  const intercept = beta[0]! - weights.reduce((s, w, j) => s + w * mean[j]!, 0);
  return { intercept, weights };
}

/** Platt scaling: a one-feature, unpenalised logistic fit of outcomes on raw logits. */
export function fitPlatt(
  logits: readonly number[],
  y: readonly (0 | 1)[],
): { a: number; b: number } {
  const fit = fitLogistic(
    logits.map((z) => [z]),
    y,
    { l2: 0 },
  );
  return { a: fit.weights[0]!, b: fit.intercept };
}
