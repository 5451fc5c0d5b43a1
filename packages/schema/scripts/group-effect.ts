/**
 * The held-out effect of content groups on the value score: what scoring with a site's groups
 * (views and engaged time per group, as the Worker does now) is worth against scoring without
 * them, on the training data's own test folds.
 *
 *   pnpm --filter @sightline/schema eval:groups [--seed 11]
 *
 * Stratified 5-fold cross-validation (the folds of fit-value-score.ts), the shipped model's
 * candidate (model.json `meta.candidate`). For every fold, fitted on the other four:
 * - grouped: the model fitted with group features, test visits scored with their groups;
 * - ungrouped at serve time: the same model, test visits scored without groups (all activity
 *   in the model's default group: what the Worker did before sites had content groups);
 * - totals model: the same learner fitted on the totals alone (no group features at all).
 * Prints the AUC of each per fold, their means and the paired differences, and writes
 * bench/results/value-score/group-effect.json. Deterministic for a seed.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { candidates } from './lib/candidates.js';
import { fitLearner } from './lib/cross-validate.js';
import { designMatrix } from './lib/design.js';
import { stratifiedFolds } from './lib/folds.js';
import { loadSessions } from './lib/load.js';
import { auc } from './lib/metrics.js';
import { resultsDir, trainCsv, trainCsvRelative } from './lib/paths.js';
import { runCli } from './lib/cli.js';
import model from '../src/value-score/model.json' with { type: 'json' };

const FOLDS = 5;
const mean = (xs: number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;
const sd = (xs: number[]) => Math.sqrt(mean(xs.map((v) => (v - mean(xs)) ** 2)));
const r4 = (x: number) => Number(x.toFixed(4));

runCli(() => {
  const { values } = parseArgs({ options: { seed: { type: 'string' } } });
  const seed = Number(values.seed ?? 11);
  const sessions = loadSessions(trainCsv);
  const y = sessions.map((s) => s.label);
  const groups = model.groups;
  const all = candidates(groups, sessions);
  const chosen = all.find((c) => c.name === model.meta.candidate)!;
  // The same learner on the features without any group: the totals model.
  const totals = chosen.features.filter((f) => !/^(views|engaged):/.test(f));
  const grouped = designMatrix(sessions, chosen.features, model.defaultGroup);
  const ungrouped = designMatrix(
    sessions.map((s) => ({ ...s, features: { ...s.features, pagesByGroup: undefined } })),
    chosen.features,
    model.defaultGroup,
  );
  const totalsX = designMatrix(sessions, totals, model.defaultGroup);
  const assignment = stratifiedFolds(y, FOLDS, seed);
  const folds: { grouped: number; ungroupedServing: number; totalsModel: number }[] = [];
  for (let k = 0; k < FOLDS; k++) {
    const train = y.flatMap((_, i) => (assignment[i] !== k ? [i] : []));
    const test = y.flatMap((_, i) => (assignment[i] === k ? [i] : []));
    const labels = test.map((i) => y[i]!);
    const fit = fitLearner(
      chosen.learner,
      train.map((i) => grouped[i]!),
      train.map((i) => y[i]!),
    );
    const fitTotals = fitLearner(
      chosen.learner,
      train.map((i) => totalsX[i]!),
      train.map((i) => y[i]!),
    );
    const row = {
      grouped: auc(
        test.map((i) => fit.predict(grouped[i]!)),
        labels,
      ),
      ungroupedServing: auc(
        test.map((i) => fit.predict(ungrouped[i]!)),
        labels,
      ),
      totalsModel: auc(
        test.map((i) => fitTotals.predict(totalsX[i]!)),
        labels,
      ),
    };
    folds.push(row);
    console.error(
      `fold ${k + 1}: grouped ${row.grouped.toFixed(4)}, same model without groups ` +
        `${row.ungroupedServing.toFixed(4)}, totals model ${row.totalsModel.toFixed(4)}`,
    );
  }
  const summary = (pick: (f: (typeof folds)[number]) => number) => ({
    mean: r4(mean(folds.map(pick))),
    sd: r4(sd(folds.map(pick))),
  });
  const report = {
    input: trainCsvRelative,
    seed,
    folds: FOLDS,
    candidate: chosen.name,
    auc: {
      grouped: summary((f) => f.grouped),
      ungrouped_serving: summary((f) => f.ungroupedServing),
      totals_model: summary((f) => f.totalsModel),
    },
    paired_difference: {
      grouped_minus_ungrouped_serving: summary((f) => f.grouped - f.ungroupedServing),
      grouped_minus_totals_model: summary((f) => f.grouped - f.totalsModel),
    },
    per_fold: folds.map((f) => ({
      grouped: r4(f.grouped),
      ungrouped_serving: r4(f.ungroupedServing),
      totals_model: r4(f.totalsModel),
    })),
  };
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(`${resultsDir}/group-effect.json`, `${JSON.stringify(report, null, 2)}\n`);
  console.log(JSON.stringify(report.auc), JSON.stringify(report.paired_difference));
});
