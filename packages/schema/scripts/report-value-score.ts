/**
 * Prints the markdown tables of docs/value-score.md from the committed results, so the figures
 * in the docs are copied by a program rather than by hand:
 *
 *   pnpm exec tsx packages/schema/scripts/report-value-score.ts
 */
import { readFileSync } from 'node:fs';
import { runCli } from './lib/cli.js';
import type { CalibrationReport } from './lib/calibrate.js';
import { resultsDir } from './lib/paths.js';

interface CvReport {
  candidates: {
    name: string;
    shippable: boolean;
    meanAuc: number;
    sdAuc: number;
    modelBytes: number;
    seconds: number;
  }[];
  chosen: string;
  calibration: { raw: CalibrationReport; platt: CalibrationReport; baseRateBrier: number };
}

const f4 = (x: number) => x.toFixed(4);

runCli(() => {
  const cv = JSON.parse(readFileSync(`${resultsDir}/cv.json`, 'utf8')) as CvReport;
  console.log('| candidate | CV AUC (mean ± s.d. over folds) | model.json bytes | shippable |');
  console.log('| --- | --- | --- | --- |');
  for (const c of cv.candidates) {
    const name = c.name === cv.chosen ? `**${c.name}** (chosen)` : c.name;
    const ship = c.shippable ? 'yes' : 'no';
    console.log(`| ${name} | ${f4(c.meanAuc)} ± ${f4(c.sdAuc)} | ${c.modelBytes} | ${ship} |`);
  }
  const { raw, platt, baseRateBrier } = cv.calibration;
  console.log(
    `\nBrier: model ${f4(raw.brier)}, after Platt ${f4(platt.brier)}, base rate only ${f4(baseRateBrier)}`,
  );
  console.log(`ECE: model ${f4(raw.ece)}, after Platt ${f4(platt.ece)}\n`);
  console.log(
    '| score | sessions | mean predicted | observed | after Platt: sessions | predicted | observed |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  raw.bins.forEach((b, i) => {
    const p = platt.bins[i]!;
    const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
    console.log(
      `| ${b.from}–${b.to} | ${b.n} | ${pct(b.meanPredicted)} | ${pct(b.observed)} | ${p.n} | ${pct(p.meanPredicted)} | ${pct(p.observed)} |`,
    );
  });
});
