/** One real devstack (Postgres + PostgREST 12.0.2 + gateway) per test file, on a fresh data dir. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDevstack, type Devstack } from '@sightline/devstack';

export const MIGRATIONS = fileURLToPath(new URL('../fixtures/migrations', import.meta.url));

export async function startStack(): Promise<{ stack: Devstack; stop: () => Promise<void> }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'sightline-postgrest-'));
  const stack = await startDevstack({ dataDir, migrationsDir: MIGRATIONS });
  return {
    stack,
    stop: async () => {
      await stack.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
