/** Repository-relative locations the value-score scripts default to. */
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';

/** The repository root (this file lives in packages/schema/scripts/lib). */
export const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../..');

/** The UCI Online Shoppers training split, kept beside the clone and never copied into it. */
export const trainCsv = resolve(repoRoot, '../shared/data/online-shoppers/train.csv');

export const shippedModel = resolve(repoRoot, 'packages/schema/src/value-score/model.json');
export const resultsDir = resolve(repoRoot, 'bench/results/value-score');
