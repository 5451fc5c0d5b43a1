import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * The workspace root: the nearest ancestor of `from` holding pnpm-workspace.yaml, so that
 * `.sightline/` and `supabase/migrations` resolve the same from any package directory.
 */
export function findRepoRoot(from: string = process.cwd()): string {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return resolve(from);
    dir = parent;
  }
}

export function defaultDataDir(): string {
  return join(findRepoRoot(), '.sightline', 'devstack');
}

export function defaultMigrationsDir(): string | undefined {
  const dir = join(findRepoRoot(), 'supabase', 'migrations');
  return existsSync(dir) ? dir : undefined;
}
