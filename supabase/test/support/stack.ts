// One devstack per test file: a fresh data dir, this package's migrations and schema files
// (deployed by the devstack as `sightline db deploy` deploys them), and clients that talk to
// PostgREST exactly as the Worker (service role) and the dashboard (token) do.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDevstack, type Devstack } from '@sightline/devstack';
import { PostgrestClient } from '@supabase/postgrest-js';
import pg from 'pg';
import { MIGRATIONS_DIR as PACKAGE_MIGRATIONS } from '../../src/paths.js';
import { signDashboardToken } from '../../src/token.js';

// SIGHTLINE_MIGRATIONS_DIR runs the tests against another copy of the SQL (e.g. a change to
// ingest_batch tried out in a copy): <dir> holds the migrations, the schemas folder beside it
// the schema files.
export const MIGRATIONS_DIR = process.env.SIGHTLINE_MIGRATIONS_DIR ?? PACKAGE_MIGRATIONS;

export interface TestStack {
  stack: Devstack;
  /** The migrations the stack deployed (the schema files are beside them). */
  migrationsDir: string;
  /** Superuser connection: ground truth and fixtures, never what the code under test uses. */
  db: pg.Client;
  /** PostgREST as the ingest Worker calls it. */
  service: PostgrestClient;
  /** PostgREST with only the anon key (a public page). */
  anon: PostgrestClient;
  /** PostgREST with a dashboard token for `siteIds`. */
  dashboard(siteIds: string[]): Promise<PostgrestClient>;
  token(siteIds: string[]): Promise<string>;
  stop(): Promise<void>;
}

export function rest(stack: Devstack, bearer: string): PostgrestClient {
  return new PostgrestClient(`${stack.url}/rest/v1`, {
    headers: { apikey: stack.anonKey, Authorization: `Bearer ${bearer}` },
  });
}

export async function startTestStack(): Promise<TestStack> {
  const dataDir = await mkdtemp(join(tmpdir(), 'sightline-db-test-'));
  const stack = await startDevstack({ dataDir, migrationsDir: MIGRATIONS_DIR });
  const db = new pg.Client({ connectionString: stack.dbUrl });
  await db.connect();
  const token = (siteIds: string[]) =>
    signDashboardToken({ siteIds, secret: stack.jwtSecret, ttlSeconds: 3600 });
  return {
    stack,
    migrationsDir: MIGRATIONS_DIR,
    db,
    service: rest(stack, stack.serviceRoleKey),
    anon: rest(stack, stack.anonKey),
    token,
    dashboard: async (siteIds) => rest(stack, await token(siteIds)),
    async stop() {
      await db.end();
      await stack.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export async function createSite(
  db: pg.Client,
  site: { id: string; timezone?: string; publicLive?: boolean },
): Promise<void> {
  await db.query(
    'insert into public.sites (id, name, domains, public_live, timezone, store_raw) values ($1, $2, $3, $4, $5, true)',
    [site.id, `Site ${site.id}`, ['localhost'], site.publicLive ?? false, site.timezone ?? 'UTC'],
  );
}
