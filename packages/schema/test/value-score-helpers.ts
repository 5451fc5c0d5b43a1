/**
 * Test helpers for the value score: the training data in the repository and an AUC computed by
 * brute force over every (converted, not converted) pair, independent of the scripts' rank-sum.
 */
import { readFileSync } from 'node:fs';
import { repoRoot, trainCsv as trainCsvPath } from '../scripts/lib/paths.js';

export { repoRoot, trainCsvPath };

export function readTrainCsv(): string {
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
