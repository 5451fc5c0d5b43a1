import { fileURLToPath } from 'node:url';

/** The repository root (this file lives in e2e/src). */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const fromRoot = (path: string): string =>
  fileURLToPath(new URL(path, `file://${repoRoot}`));
