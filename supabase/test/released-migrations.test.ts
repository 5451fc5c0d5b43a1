// The lint that keeps released migrations as deployed databases applied them
// (scripts/check-sql.ts, part of `pnpm lint`), on a copy of this package's SQL.
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATION_DIRS } from '../src/paths.js';
import {
  checkMigrations,
  readManifest,
  releaseMigrations,
  type MigrationDirs,
} from '../src/released-migrations.js';

let root: string;
let dirs: MigrationDirs;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'sightline-released-'));
  dirs = {
    manifest: join(root, 'released-migrations.json'),
    migrationsDir: join(root, 'migrations'),
    schemasDir: join(root, 'schemas'),
    releasesDir: join(root, 'releases'),
  };
  await cp(MIGRATION_DIRS.manifest, dirs.manifest);
  await cp(MIGRATION_DIRS.migrationsDir, dirs.migrationsDir, { recursive: true });
  await cp(MIGRATION_DIRS.schemasDir, dirs.schemasDir, { recursive: true });
  await cp(MIGRATION_DIRS.releasesDir, dirs.releasesDir, { recursive: true });
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('released migrations', () => {
  it('pass as committed: 0001-0007 released, the fixtures are those files', async () => {
    expect(await checkMigrations(MIGRATION_DIRS)).toEqual([]);
    const { migrations } = await readManifest(MIGRATION_DIRS.manifest);
    expect(Object.keys(migrations).slice(0, 7)).toEqual([
      '0001_tables.sql',
      '0002_ingest_batch.sql',
      '0003_reading.sql',
      '0004_security.sql',
      '0005_realtime.sql',
      '0006_live_topics.sql',
      '0007_read_paths.sql',
    ]);
  });

  it('fail when a released migration is edited or removed (a line end style is no edit)', async () => {
    const file = join(dirs.migrationsDir, '0001_tables.sql');
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.replace(/\n/g, '\r\n'));
    expect(await checkMigrations(dirs)).toEqual([]);
    await writeFile(file, text.replace('epoch_started_at timestamptz,', ''));
    expect(await checkMigrations(dirs)).toEqual([
      expect.stringMatching(/0001_tables\.sql changed after its release/),
    ]);
    await rm(file);
    expect(await checkMigrations(dirs)).toEqual([
      expect.stringMatching(/0001_tables\.sql was released and is gone/),
    ]);
  });

  it('fail when a new migration creates a function, view, policy or trigger, or reuses a number', async () => {
    await writeFile(
      join(dirs.migrationsDir, '0100_more.sql'),
      `-- create function in a comment is fine
       alter table public.sites add column note text;
       create or replace function private.f() returns int language sql as $$ select 1 $$;`,
    );
    await writeFile(join(dirs.migrationsDir, '0100_again.sql'), 'select 1;');
    await writeFile(join(dirs.migrationsDir, 'fix.sql'), 'select 1;');
    expect(await checkMigrations(dirs)).toEqual([
      expect.stringMatching(/0100_more\.sql: number 0100 is taken by 0100_again\.sql/),
      expect.stringMatching(/fix\.sql: name it NNNN_lower_snake\.sql/),
      expect.stringMatching(/0100_more\.sql: "create function" belongs in supabase\/schemas/),
    ]);
  });

  it('fail when a release fixture is not the released file', async () => {
    await writeFile(join(dirs.releasesDir, '47b9806', 'migrations', '0005_realtime.sql'), '-- x');
    expect(await checkMigrations(dirs)).toEqual([
      'test/fixtures/releases/47b9806/migrations/0005_realtime.sql is not the released file',
    ]);
  });

  it('cutting a release records the new migrations and keeps a fixture of the release', async () => {
    // Migrations written since the last release are released too, with the one added here.
    const { migrations: released } = await readManifest(dirs.manifest);
    const unreleased = (await readdir(dirs.migrationsDir)).filter(
      (file) => file.endsWith('.sql') && !(file in released),
    );
    await writeFile(
      join(dirs.migrationsDir, '0100_more.sql'),
      'alter table public.sites add x int;',
    );
    expect(await releaseMigrations(dirs, 'next')).toEqual([...unreleased, '0100_more.sql'].sort());
    expect(Object.keys((await readManifest(dirs.manifest)).migrations)).toContain('0100_more.sql');
    expect(
      await readFile(join(dirs.releasesDir, 'next', 'schemas', '40_security.sql'), 'utf8'),
    ).toBe(await readFile(join(dirs.schemasDir, '40_security.sql'), 'utf8'));
    expect(await checkMigrations(dirs)).toEqual([]);
    await writeFile(
      join(dirs.migrationsDir, '0100_more.sql'),
      'alter table public.sites add y int;',
    );
    expect(await checkMigrations(dirs)).toEqual([
      expect.stringMatching(/0100_more\.sql changed after its release/),
    ]);
  });
});
