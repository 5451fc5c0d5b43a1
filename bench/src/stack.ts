/**
 * The database side of every system benchmark: the devstack (embedded Postgres, real PostgREST,
 * Realtime) with supabase/migrations and the demo seed, in a fresh temporary data directory.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDevstack, type Devstack } from '@sightline/devstack';
import pg from 'pg';
import { fromRoot } from './paths.js';

export interface DbStack {
  devstack: Devstack;
  dataDir: string;
  db: pg.Client;
  site: string;
  stop(): Promise<void>;
}

export async function startDbStack(): Promise<DbStack> {
  const dataDir = await mkdtemp(join(tmpdir(), 'sightline-bench-'));
  const devstack = await startDevstack({
    dataDir,
    migrationsDir: fromRoot('supabase/migrations'),
  });
  const db = new pg.Client({ connectionString: devstack.dbUrl });
  db.on('error', () => undefined); // a Postgres restart (fault tests) ends this connection
  await db.connect();
  await db.query(await readFile(fromRoot('supabase/seed.sql'), 'utf8'));
  return {
    devstack,
    dataDir,
    db,
    site: 'demo',
    async stop() {
      await db.end().catch(() => undefined);
      await devstack.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Rows of a site's table (the Worker's writes land in events, sessions and visitors). */
export async function countRows(db: pg.Client, table: string, site: string): Promise<number> {
  const { rows } = await db.query<{ n: string }>(
    `select count(*) as n from public.${table} where site_id = $1`,
    [site],
  );
  return Number(rows[0]!.n);
}
