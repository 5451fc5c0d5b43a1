/** Repository-relative locations the value-score scripts default to. */
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';

/** The repository root (this file lives in packages/schema/scripts/lib). */
export const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../..');

/** The UCI Online Shoppers training split (CC BY 4.0; see its README for the source). */
export const trainCsvRelative = 'packages/schema/data/online-shoppers/train.csv';
export const trainCsv = resolve(repoRoot, trainCsvRelative);

export const shippedModel = resolve(repoRoot, 'packages/schema/src/value-score/model.json');
export const resultsDir = resolve(repoRoot, 'bench/results/value-score');
