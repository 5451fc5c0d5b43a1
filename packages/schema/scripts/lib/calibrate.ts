/**
 * Calibration of out-of-fold logits: the reliability table as fitted, and after Platt scaling
 * that is itself cross-fitted (fitted on the other folds' predictions), so the "after" figures
 * are not measured on the data the scaling was fitted to.
 */
import { stratifiedFolds } from './folds.js';
import { fitPlatt } from './logistic.js';
import { brier, reliability, type ReliabilityBin } from './metrics.js';

export interface CalibrationReport {
  brier: number;
  ece: number;
  bins: ReliabilityBin[];
}

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

function report(probs: number[], y: readonly (0 | 1)[]): CalibrationReport {
  const { bins, ece } = reliability(probs, y);
  return { brier: brier(probs, y), ece, bins };
}

export function calibrationStudy(
  logits: readonly number[],
  y: readonly (0 | 1)[],
  seed: number,
): { raw: CalibrationReport; platt: CalibrationReport; baseRateBrier: number } {
  const folds = stratifiedFolds(y, 5, seed);
  const calibrated = new Array<number>(y.length).fill(0);
  for (let k = 0; k < 5; k++) {
    const fitRows = y.flatMap((_, i) => (folds[i] !== k ? [i] : []));
    const { a, b } = fitPlatt(
      fitRows.map((i) => logits[i]!),
      fitRows.map((i) => y[i]!),
    );
    y.forEach((_, i) => {
      if (folds[i] === k) calibrated[i] = sigmoid(a * logits[i]! + b);
    });
  }
  const rate = y.reduce<number>((s, v) => s + v, 0) / y.length;
  return {
    raw: report(logits.map(sigmoid), y),
    platt: report(calibrated, y),
    baseRateBrier: brier(
      y.map(() => rate),
      y,
    ),
  };
}
