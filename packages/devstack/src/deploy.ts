import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import type pg from 'pg';
import { DevstackError } from './errors.js';

/**
 * A database deploy, the same on the devstack and on a hosted project: numbered migrations
 * (tables: history) applied once each and recorded as the Supabase CLI records them, then
 * every schema file (functions, views, policies, grants: state) applied again, so that a
 * database at any earlier release ends with exactly today's definitions.
 */

export interface AppliedMigration {
  version: string;
  name: string;
}

export interface DeployOptions {
  /** `NNNN_name.sql` files applied in name order, once each (supabase_migrations.schema_migrations). */
  migrationsDir?: string | undefined;
  /**
   * Re-runnable `*.sql` files (`create or replace …`) applied on every deploy after the
   * migrations, in path order, subfolders included. Default: a `schemas` folder beside
   * `migrationsDir`, if there is one (Supabase's `supabase/schemas` layout).
   */
  schemasDir?: string | undefined;
  /** Apply everything, then roll back: checks a deploy without changing the database. */
  dryRun?: boolean | undefined;
}

export interface DeployResult {
  /** The migrations this deploy applied (none when the database was up to date). */
  migrations: AppliedMigration[];
  /** Every schema file applied, relative to the schemas folder. */
  schemaFiles: string[];
}

/** `20240101000000_create_sites.sql` → version `20240101000000`, name `create_sites` (Supabase CLI's split). */
function parseFileName(file: string): AppliedMigration {
  const stem = file.replace(/\.sql$/, '');
  const underscore = stem.indexOf('_');
  return underscore === -1
    ? { version: stem, name: '' }
    : { version: stem.slice(0, underscore), name: stem.slice(underscore + 1) };
}

/** The schemas folder a deploy of `migrationsDir` uses when none is given. */
export function defaultSchemasDir(migrationsDir: string | undefined): string | undefined {
  if (!migrationsDir) return undefined;
  const dir = join(dirname(migrationsDir), 'schemas');
  return existsSync(dir) ? dir : undefined;
}

async function listSql(dir: string, code: 'MIGRATION_FAILED' | 'SCHEMA_FAILED', deep: boolean) {
  try {
    const entries = await readdir(dir, { recursive: deep });
    return entries
      .filter((file) => file.endsWith('.sql'))
      .map((file) => file.split(sep).join('/'))
      .sort();
  } catch (cause) {
    throw new DevstackError(code, `cannot read ${dir}`, { cause });
  }
}

/** Line of a Postgres error position (1-based character offset) in `sql`, for the message. */
function lineOf(sql: string, cause: unknown): string {
  const position = Number((cause as { position?: string }).position);
  if (!Number.isInteger(position) || position < 1) return '';
  return `:${sql.slice(0, position - 1).split('\n').length}`;
}

const HISTORY_SQL = `
create schema if not exists supabase_migrations;
create table if not exists supabase_migrations.schema_migrations (
  version text primary key,
  statements text[],
  name text
)`;

/**
 * Applies the pending migrations of `migrationsDir` and then every file of `schemasDir`, all in
 * one transaction (a failure leaves the database as it was) under an advisory lock (concurrent
 * deploys wait for each other). Migrations may not use statements that refuse a transaction
 * (`create index concurrently`).
 *
 * @example
 * const client = new pg.Client({ connectionString: process.env.SUPABASE_DB_URL });
 * await client.connect();
 * const { migrations } = await deployDatabase(client, { migrationsDir: 'supabase/migrations' });
 */
export async function deployDatabase(
  client: pg.ClientBase,
  options: DeployOptions,
): Promise<DeployResult> {
  const { migrationsDir } = options;
  const schemasDir = options.schemasDir ?? defaultSchemasDir(migrationsDir);
  const migrationFiles = migrationsDir
    ? await listSql(migrationsDir, 'MIGRATION_FAILED', false)
    : [];
  const schemaFiles = schemasDir ? await listSql(schemasDir, 'SCHEMA_FAILED', true) : [];
  const result: DeployResult = { migrations: [], schemaFiles: [] };
  let current = '';
  let currentSql = '';
  try {
    await client.query('begin');
    await client.query(`select pg_advisory_xact_lock(hashtextextended('supabase_migrations', 0))`);
    await client.query(HISTORY_SQL);
    const { rows } = await client.query<{ version: string }>(
      'select version from supabase_migrations.schema_migrations',
    );
    const done = new Set(rows.map((row) => row.version));
    for (const file of migrationFiles) {
      const migration = parseFileName(file);
      if (done.has(migration.version)) continue;
      current = `migration ${file}`;
      currentSql = await readFile(join(migrationsDir!, file), 'utf8');
      await client.query(currentSql);
      await client.query(
        'insert into supabase_migrations.schema_migrations (version, name, statements) values ($1, $2, $3)',
        [migration.version, migration.name, [currentSql]],
      );
      done.add(migration.version);
      result.migrations.push(migration);
    }
    for (const file of schemaFiles) {
      current = `schema file ${file}`;
      currentSql = await readFile(join(schemasDir!, file), 'utf8');
      await client.query(currentSql);
      result.schemaFiles.push(file);
    }
    await client.query(options.dryRun ? 'rollback' : 'commit');
    return result;
  } catch (cause) {
    await client.query('rollback').catch(() => undefined);
    if (cause instanceof DevstackError) throw cause;
    const detail = cause instanceof Error ? cause.message : String(cause);
    const code = current.startsWith('schema') ? 'SCHEMA_FAILED' : 'MIGRATION_FAILED';
    const where = current ? `${current}${lineOf(currentSql, cause)}` : 'deploy';
    throw new DevstackError(code, `${where} failed: ${detail}`, { cause });
  }
}
