import { fileURLToPath } from 'node:url';

/** The repository root (this file lives in bench/src). */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const fromRoot = (path: string): string =>
  fileURLToPath(new URL(path, `file://${repoRoot}`));
export const resultsDir = fromRoot('bench/results');
