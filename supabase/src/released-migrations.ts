// Released migrations never change: a deployed database applied them once and will never apply
// them again, so an edit would reach new databases only. released-migrations.json records the
// sha256 of each released file; `pnpm lint` (scripts/check-sql.ts) compares.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface Manifest {
  $comment: string;
  /** file name → sha256 (hex) of its text with LF line ends */
  migrations: Record<string, string>;
}

export interface MigrationDirs {
  manifest: string;
  migrationsDir: string;
  schemasDir: string;
  releasesDir: string;
}

const NAME = /^(\d{4})_[a-z0-9_]+\.sql$/;
// Functions, views, policies and triggers are state: they belong in supabase/schemas, which
// every deploy applies again (a migration's copy would be stale after the next change).
const STATE =
  /\bcreate\s+(?:or\s+replace\s+)?(function|procedure|view|materialized\s+view|policy|trigger)\b/i;

/** sha256 of a SQL file's text; CRLF counts as LF, so a Windows checkout hashes the same. */
export function hashSql(text: string): string {
  return createHash('sha256').update(text.replace(/\r\n/g, '\n')).digest('hex');
}

async function sqlFiles(dir: string): Promise<string[]> {
  return existsSync(dir) ? (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort() : [];
}

export async function readManifest(path: string): Promise<Manifest> {
  return JSON.parse(await readFile(path, 'utf8')) as Manifest;
}

/** Every way the migrations break the rules, as messages (none: all is well). */
export async function checkMigrations(dirs: MigrationDirs): Promise<string[]> {
  const problems: string[] = [];
  const { migrations: released } = await readManifest(dirs.manifest);
  const files = await sqlFiles(dirs.migrationsDir);
  const numbers = new Map<string, string>();
  for (const file of files) {
    const match = NAME.exec(file);
    if (!match) {
      problems.push(`supabase/migrations/${file}: name it NNNN_lower_snake.sql`);
      continue;
    }
    const other = numbers.get(match[1]!);
    if (other)
      problems.push(`supabase/migrations/${file}: number ${match[1]} is taken by ${other}`);
    numbers.set(match[1]!, file);
  }
  for (const [file, hash] of Object.entries(released)) {
    const path = join(dirs.migrationsDir, file);
    if (!existsSync(path)) {
      problems.push(`supabase/migrations/${file} was released and is gone: restore it`);
    } else if (hashSql(await readFile(path, 'utf8')) !== hash) {
      problems.push(
        `supabase/migrations/${file} changed after its release: deployed databases will never ` +
          `apply it again. Restore it and put the change in a new migration (tables) or in ` +
          `supabase/schemas (functions, policies, grants)`,
      );
    }
  }
  for (const file of files.filter((f) => !(f in released))) {
    const sql = (await readFile(join(dirs.migrationsDir, file), 'utf8')).replace(/--.*$/gm, '');
    const state = STATE.exec(sql);
    if (state)
      problems.push(
        `supabase/migrations/${file}: "create ${state[1]!.toLowerCase()}" belongs in ` +
          `supabase/schemas (applied on every deploy); migrations hold table changes`,
      );
  }
  // The upgrade test starts from copies of released migrations: they must stay those files.
  for (const release of existsSync(dirs.releasesDir) ? await readdir(dirs.releasesDir) : []) {
    const dir = join(dirs.releasesDir, release, 'migrations');
    for (const file of await sqlFiles(dir)) {
      if (hashSql(await readFile(join(dir, file), 'utf8')) !== released[file])
        problems.push(
          `test/fixtures/releases/${release}/migrations/${file} is not the released file`,
        );
    }
  }
  return problems;
}

/**
 * Cuts a release of the database: records the hash of every migration not released yet and
 * copies the migrations and schema files to the upgrade test's fixtures as release `name`.
 */
export async function releaseMigrations(dirs: MigrationDirs, name: string): Promise<string[]> {
  const manifest = await readManifest(dirs.manifest);
  const added: string[] = [];
  for (const file of await sqlFiles(dirs.migrationsDir)) {
    if (file in manifest.migrations) continue;
    manifest.migrations[file] = hashSql(await readFile(join(dirs.migrationsDir, file), 'utf8'));
    added.push(file);
  }
  await writeFile(dirs.manifest, JSON.stringify(manifest, null, 2) + '\n');
  const target = join(dirs.releasesDir, name);
  await cp(dirs.migrationsDir, join(target, 'migrations'), { recursive: true });
  await cp(dirs.schemasDir, join(target, 'schemas'), { recursive: true });
  return added;
}
