// Upgrading a deployed database. For every release kept in test/fixtures/releases: a database
// built from that release's migrations (what `supabase db push` or that release's devstack
// left), holding data, then upgraded with `sightline db deploy` (the command an operator runs)
// must be identical to a database built today from scratch (the devstack's, deployed by the
// same code) — schema, functions, policies, grants, triggers, publications, compared from the
// catalogs — and must go on counting its data as the new one does.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { deployDatabase } from '@sightline/devstack';
import { toIngestWire, type IngestBatch } from '@sightline/schema';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RELEASES_DIR } from '../src/paths.js';
import { catalog, type Catalog } from './support/catalog.js';
import { fingerprint } from './support/fingerprint.js';
import { startTestStack, type TestStack } from './support/stack.js';
import { generateTraffic, toBatches } from './support/traffic.js';

const CLI = join(import.meta.dirname, '..', 'bin', 'sightline.js');
const RELEASES = readdirSync(RELEASES_DIR).sort();
const run = promisify(execFile);

/** `sightline db deploy` as an operator runs it. */
function deployCommand(dbUrl: string, ...flags: string[]) {
  return run(process.execPath, [CLI, 'db', 'deploy', '--db-url', dbUrl, ...flags], {
    env: { PATH: process.env.PATH ?? '' },
  });
}

let t: TestStack;
let fresh: Catalog;
const clients: pg.Client[] = [];

/** A new database of the stack's cluster, bootstrapped like a Supabase project, and a client. */
async function database(name: string): Promise<{ url: string; db: pg.Client }> {
  const url = await t.stack.createDatabase(name);
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  clients.push(db);
  return { url, db };
}

/** Two halves of a day's traffic for one site, as the Worker flushes it. */
function flushes(siteId: string): [IngestBatch[], IngestBatch[]] {
  const traffic = generateTraffic({
    siteId,
    seed: 7,
    startMs: Date.parse('2026-06-01T08:00:00Z'),
    spanMs: 86_400_000,
    visitors: 20,
    sessions: 60,
    // What the release stored: what came after it (revenue, vitals, ...) it could not keep.
    conversions: false,
  });
  const batches = toBatches(traffic, 50, 'upgrade');
  const half = Math.floor(batches.length / 2);
  return [batches.slice(0, half), batches.slice(half)];
}

async function ingest(db: pg.Client, batches: IngestBatch[]): Promise<void> {
  for (const batch of batches)
    await db.query('select public.ingest_batch($1::jsonb)', [JSON.stringify(toIngestWire(batch))]);
}

const addSite = (db: pg.Client) =>
  db.query(
    `insert into public.sites (id, name, timezone, store_raw) values ('up', 'Up', 'Europe/Berlin', true)`,
  );

beforeAll(async () => {
  // The devstack deploys supabase/migrations and supabase/schemas at start: today's database.
  t = await startTestStack();
  fresh = await catalog(t.db);
}, 120_000);

afterAll(async () => {
  for (const db of clients) await db.end();
  await t?.stop();
});

describe('upgrading a deployed database', () => {
  it('keeps at least one release to upgrade from', () => {
    expect(RELEASES.length).toBeGreaterThan(0);
  });

  it.each(RELEASES)(
    'release %s with data, upgraded by `sightline db deploy`, equals a database built today',
    async (release) => {
      const dir = join(RELEASES_DIR, release);
      const { url, db } = await database(`release_${release}`);
      // As that release deployed itself: its migrations (and schema files, once releases have them).
      await deployDatabase(db, {
        migrationsDir: join(dir, 'migrations'),
        schemasDir: existsSync(join(dir, 'schemas')) ? join(dir, 'schemas') : undefined,
      });
      const [before, after] = flushes('up');
      await addSite(db);
      await addSite(t.db);
      await ingest(db, before);
      await ingest(t.db, before);

      const { stderr } = await deployCommand(url);
      expect(stderr).toMatch(/applied \d+ schema file\(s\)/);

      expect(await catalog(db)).toEqual(fresh);
      await ingest(db, after);
      await ingest(t.db, after);
      const upgraded = await fingerprint(db, 'up');
      expect(Number(upgraded.sessions!.split(':')[0])).toBeGreaterThan(50);
      expect(upgraded).toEqual(await fingerprint(t.db, 'up'));
    },
  );

  it('deploys again without applying a migration and without changing anything', async () => {
    const result = await deployDatabase(t.db, { migrationsDir: t.migrationsDir });
    expect(result.migrations).toEqual([]);
    expect(result.schemaFiles.length).toBeGreaterThan(10);
    expect(await catalog(t.db)).toEqual(fresh);
  });

  it('checks a deploy with --dry-run and leaves the database as it was', async () => {
    const { url, db } = await database('dry_run');
    const { stderr } = await deployCommand(url, '--dry-run');
    expect(stderr).toMatch(/would apply \d+ migration\(s\): 0001_tables/);
    const { rows } = await db.query(`select to_regclass('public.sessions') as t`);
    expect(rows[0]).toEqual({ t: null });
  });

  it('tells a changed function, policy, column or grant apart (the comparison can fail)', async () => {
    const { url, db } = await database('drifted');
    await deployCommand(url);
    expect(await catalog(db)).toEqual(fresh);
    await db.query(`
      create or replace function private.value_of(p_key text) returns text
      language sql immutable as $$ select substr(p_key, 2) $$;
      drop policy events_read_own on public.events;
      alter table public.sites alter column name drop not null;
      grant insert on public.events to anon;`);
    const drifted = await catalog(db);
    const changed = Object.keys(fresh).filter(
      (kind) => JSON.stringify(drifted[kind]) !== JSON.stringify(fresh[kind]),
    );
    expect(changed).toEqual(['relations', 'columns', 'functions', 'policies']);
  });
});

describe('sightline db deploy', () => {
  it('fails with a reason and a code, never printing the password', async () => {
    await expect(
      run(process.execPath, [CLI, 'db', 'deploy'], { env: { PATH: process.env.PATH ?? '' } }),
    ).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/SUPABASE_DB_URL/) as string,
    });
    const failed = deployCommand('postgres://postgres:s3cret@127.0.0.1:1/postgres');
    await expect(failed).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(
        /cannot connect to postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/postgres: .*\(CONNECT_FAILED\)/,
      ) as string,
    });
    await failed.catch((error: { stderr: string }) => expect(error.stderr).not.toMatch(/s3cret/));
  });
});
