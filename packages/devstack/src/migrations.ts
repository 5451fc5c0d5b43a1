import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type pg from 'pg';
import { DevstackError } from './errors.js';

export interface AppliedMigration {
  version: string;
  name: string;
}

/** `20240101000000_create_sites.sql` → version `20240101000000`, name `create_sites` (Supabase CLI's split). */
function parseFileName(file: string): AppliedMigration {
  const stem = file.replace(/\.sql$/, '');
  const underscore = stem.indexOf('_');
  return underscore === -1
    ? { version: stem, name: '' }
    : { version: stem.slice(0, underscore), name: stem.slice(underscore + 1) };
}

/**
 * Applies every `*.sql` file of `dir` not yet recorded in supabase_migrations.schema_migrations,
 * in file-name order, each in its own transaction. Returns the ones it applied.
 */
export async function applyMigrationFiles(
  client: pg.Client,
  dir: string,
): Promise<AppliedMigration[]> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch (cause) {
    throw new DevstackError('MIGRATION_FAILED', `cannot read the migrations directory ${dir}`, {
      cause,
    });
  }
  const files = entries.filter((file) => file.endsWith('.sql')).sort();
  const { rows } = await client.query<{ version: string }>(
    'select version from supabase_migrations.schema_migrations',
  );
  const done = new Set(rows.map((row) => row.version));
  const applied: AppliedMigration[] = [];
  for (const file of files) {
    const migration = parseFileName(file);
    if (done.has(migration.version)) continue;
    const sql = await readFile(join(dir, file), 'utf8');
    try {
      await client.query('begin');
      await client.query(sql);
      await client.query(
        'insert into supabase_migrations.schema_migrations (version, name, statements) values ($1, $2, $3)',
        [migration.version, migration.name, [sql]],
      );
      await client.query('commit');
    } catch (cause) {
      await client.query('rollback').catch(() => undefined);
      const detail = cause instanceof Error ? cause.message : String(cause);
      throw new DevstackError('MIGRATION_FAILED', `migration ${file} failed: ${detail}`, { cause });
    }
    done.add(migration.version);
    applied.push(migration);
  }
  return applied;
}
