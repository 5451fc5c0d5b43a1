/**
 * Fits the visitor value score: cross-validates every candidate in candidates.ts on a
 * session CSV, picks the model, studies its calibration, and writes model.json plus a report.
 *
 *   pnpm exec tsx packages/schema/scripts/fit-value-score.ts [sessions.csv]
 *     [--out model.json] [--report cv.json] [--seed 11] [--repeats 1]
 *
 * Deterministic for a given file and seed. See docs/value-score.md for the CSV a site needs.
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { candidates, type Candidate } from './lib/candidates.js';
import { calibrationStudy } from './lib/calibrate.js';
import { crossValidate, fitLearner } from './lib/cross-validate.js';
import { parseCsv, type Table } from './lib/csv.js';
import { codeColumns, designMatrix, untransformed } from './lib/design.js';
import { fitPlatt } from './lib/logistic.js';
import { groupColumns, readSessions, type Session } from './lib/sessions.js';
import { resultsDir, shippedModel, trainCsv, trainCsvRelative } from './lib/paths.js';
import { runCli } from './lib/cli.js';
import { roundDeep } from './lib/round.js';

/**
 * CV AUCs closer than this count as a tie, broken by the smaller model.json. Kept tight on
 * purpose: the model has a target of 0.75 CV AUC, so a smaller model that misses it does not
 * win on size (docs/value-score.md discusses the 50-tree alternative).
 */
const AUC_TIE = 0.0005;

function matrix(c: Candidate, sessions: Session[], table: Table, defaultGroup: string) {
  let x = designMatrix(sessions, c.features, defaultGroup);
  if (c.untransformed) x = untransformed(x, c.features);
  if (c.codes) {
    const extra = codeColumns(table, c.codes);
    x = x.map((row, i) => [...row, ...extra[i]!]);
  }
  return x;
}

const mean = (xs: number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;
const sd = (xs: number[]) => Math.sqrt(mean(xs.map((v) => (v - mean(xs)) ** 2)));

runCli(() => {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      report: { type: 'string' },
      seed: { type: 'string' },
      repeats: { type: 'string' },
    },
  });
  const input = positionals[0] ?? trainCsv;
  const seed = Number(values.seed ?? 11);
  const repeats = Number(values.repeats ?? 1);
  const table = parseCsv(readFileSync(input, 'utf8'));
  const sessions = readSessions(table);
  const y = sessions.map((s) => s.label);
  const groups = groupColumns(table.header).map((g) => g.name);
  const positives = y.filter((v) => v === 1).length;
  // No machine-specific absolute path in committed output: the default input by its repo-relative name.
  const displayInput = input === trainCsv ? trainCsvRelative : basename(input);
  // Visits without declared groups are attributed to the busiest group (docs/value-score.md).
  const views = (g: string) => sessions.reduce((s, r) => s + r.features.pagesByGroup![g]!.views, 0);
  const defaultGroup = [...groups].sort((a, b) => views(b) - views(a))[0]!;

  // The reference candidates need the UCI code columns; a site's own export has none.
  const hasCodes = (c: Candidate) => c.codes?.some((code) => table.header.includes(code)) ?? true;
  const rows = candidates(groups, sessions)
    .filter(hasCodes)
    .map((c) => {
      const started = performance.now();
      const x = matrix(c, sessions, table, defaultGroup);
      const cv = crossValidate(c.learner, x, y, { seed, repeats });
      const body = roundDeep(fitLearner(c.learner, x, y).body());
      const row = {
        name: c.name,
        shippable: !c.untransformed && !c.codes,
        meanAuc: mean(cv.foldAucs),
        sdAuc: sd(cv.foldAucs),
        folds: cv.foldAucs.length,
        modelBytes: JSON.stringify({ features: c.features, ...body }).length,
        seconds: (performance.now() - started) / 1000,
      };
      console.error(`${row.name}: AUC ${row.meanAuc.toFixed(4)} ± ${row.sdAuc.toFixed(4)}`);
      return { row, cv, body, candidate: c };
    });

  const shippable = rows.filter((r) => r.row.shippable);
  const best = Math.max(...shippable.map((r) => r.row.meanAuc));
  const chosen = shippable
    .filter((r) => r.row.meanAuc >= best - AUC_TIE)
    .sort((a, b) => a.row.modelBytes - b.row.modelBytes)[0]!;
  const study = calibrationStudy(chosen.cv.oofLogits, y, seed);
  // Platt scaling ships only when its cross-fitted figures beat the raw model's.
  const usePlatt = study.platt.brier < study.raw.brier && study.platt.ece < study.raw.ece;
  const calibration = usePlatt ? roundDeep(fitPlatt(chosen.cv.oofLogits, y)) : undefined;

  const model = {
    version: 1,
    ...chosen.body,
    features: chosen.candidate.features,
    groups,
    defaultGroup,
    ...(calibration ? { calibration } : {}),
    meta: {
      fittedOn: `${displayInput} (${y.length} sessions, ${positives} converted)`,
      candidate: chosen.candidate.name,
      cvAuc: Number(chosen.row.meanAuc.toFixed(4)),
      seed,
      fitBy: 'packages/schema/scripts/fit-value-score.ts',
    },
  };
  const out = values.out ?? shippedModel;
  writeFileSync(out, `${JSON.stringify(model)}\n`);
  const reportPath = values.report ?? `${resultsDir}/cv.json`;
  mkdirSync(dirname(reportPath), { recursive: true });
  const report = {
    input: displayInput,
    n: y.length,
    positives,
    seed,
    cv: `5-fold stratified × ${repeats} repeat(s)`,
    candidates: rows.map((r) => r.row),
    chosen: chosen.candidate.name,
    calibration: { ...study, shippedPlatt: calibration ?? null },
  };
  writeFileSync(reportPath, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`chose "${chosen.candidate.name}" → ${out}; report → ${reportPath}`);
});
