/**
 * Stratified k-fold cross-validation of one candidate: out-of-fold logits (for calibration) and
 * the AUC of every held-out fold (for the comparison table).
 */
import { fitTrees, evalTree, type BoostOptions } from './boosting.js';
import { stratifiedFolds } from './folds.js';
import { fitLogistic } from './logistic.js';
import { auc } from './metrics.js';

export type Learner = { kind: 'logistic'; l2: number } | ({ kind: 'trees' } & BoostOptions);

export interface FittedLearner {
  predict(row: readonly number[]): number;
  /** The model.json body for this fit (without features/groups). */
  body(): Record<string, unknown>;
}

export function fitLearner(
  learner: Learner,
  x: readonly number[][],
  y: readonly (0 | 1)[],
): FittedLearner {
  if (learner.kind === 'logistic') {
    const fit = fitLogistic(x, y, { l2: learner.l2 });
    return {
      predict: (row) => row.reduce((z, v, j) => z + fit.weights[j]! * v, fit.intercept),
      body: () => ({ kind: 'logistic', intercept: fit.intercept, weights: fit.weights }),
    };
  }
  const fit = fitTrees(x, y, learner);
  return {
    predict: (row) => fit.trees.reduce((z, t) => z + evalTree(t, row), fit.base),
    body: () => ({ kind: 'trees', base: fit.base, trees: fit.trees }),
  };
}

export interface CvResult {
  foldAucs: number[];
  /** Out-of-fold logits of the first repeat, one per row. */
  oofLogits: number[];
}

export function crossValidate(
  learner: Learner,
  x: readonly number[][],
  y: readonly (0 | 1)[],
  { folds = 5, repeats = 2, seed = 11 }: { folds?: number; repeats?: number; seed?: number } = {},
): CvResult {
  const foldAucs: number[] = [];
  let oofLogits: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const assignment = stratifiedFolds(y, folds, seed + r);
    const oof = new Array<number>(y.length).fill(0);
    for (let k = 0; k < folds; k++) {
      const train = y.flatMap((_, i) => (assignment[i] !== k ? [i] : []));
      const test = y.flatMap((_, i) => (assignment[i] === k ? [i] : []));
      const model = fitLearner(
        learner,
        train.map((i) => x[i]!),
        train.map((i) => y[i]!),
      );
      for (const i of test) oof[i] = model.predict(x[i]!);
      foldAucs.push(
        auc(
          test.map((i) => oof[i]!),
          test.map((i) => y[i]!),
        ),
      );
    }
    if (r === 0) oofLogits = oof;
  }
  return { foldAucs, oofLogits };
}
