/**
 * Test helpers for the value score: where the shared training data lives and an AUC computed by
 * brute force over every (converted, not converted) pair, independent of the scripts' rank-sum.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');

/** CI checks the shared data out beside the clone, at the same relative place as here. */
export const trainCsvPath = resolve(repoRoot, '../shared/data/online-shoppers/train.csv');

export function readTrainCsv(): string {
  if (!existsSync(trainCsvPath)) {
    throw new Error(
      `value-score tests need the UCI Online Shoppers split at ${trainCsvPath} ` +
        '(../shared/data/online-shoppers/train.csv relative to the repository root)',
    );
  }
  return readFileSync(trainCsvPath, 'utf8');
}

export function pairwiseAuc(scores: number[], labels: number[]): number {
  let wins = 0;
  let pairs = 0;
  for (let i = 0; i < scores.length; i++) {
    if (labels[i] !== 1) continue;
    for (let j = 0; j < scores.length; j++) {
      if (labels[j] !== 0) continue;
      pairs++;
      wins += scores[i]! > scores[j]! ? 1 : scores[i] === scores[j] ? 0.5 : 0;
    }
  }
  return wins / pairs;
}
