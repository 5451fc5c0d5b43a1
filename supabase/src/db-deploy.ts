// `sightline db deploy`: brings a database (a hosted Supabase project, or any Postgres that
// ran the same bootstrap) to this checkout's schema, exactly as the devstack and the tests do:
// the pending migrations, then every schema file, in one transaction.
import { deployDatabase, type DeployResult } from '@sightline/devstack';
import pg from 'pg';
import { MIGRATIONS_DIR, SCHEMAS_DIR } from './paths.js';

/** The database could not be reached: the URL (password hidden) and the driver's reason. */
export class DbDeployError extends Error {
  override readonly name = 'DbDeployError';
  readonly code = 'CONNECT_FAILED';
}

/** A connection string with its password replaced, for messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable connection string)';
  }
}

export interface DbDeployOptions {
  dbUrl: string;
  dryRun?: boolean;
  migrationsDir?: string;
  schemasDir?: string;
}

export async function deployTo({
  dbUrl,
  dryRun = false,
  migrationsDir = MIGRATIONS_DIR,
  schemasDir = SCHEMAS_DIR,
}: DbDeployOptions): Promise<DeployResult> {
  const client = new pg.Client({
    connectionString: dbUrl,
    application_name: 'sightline db deploy',
  });
  try {
    await client.connect();
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new DbDeployError(`cannot connect to ${redactUrl(dbUrl)}: ${reason}`, { cause });
  }
  try {
    return await deployDatabase(client, { migrationsDir, schemasDir, dryRun });
  } finally {
    await client.end();
  }
}

/** What the command prints on stderr: the migrations applied and how many schema files. */
export function describeDeploy(result: DeployResult, dryRun: boolean): string {
  const verb = dryRun ? 'would apply' : 'applied';
  const migrations = result.migrations.length
    ? `${verb} ${result.migrations.length} migration(s): ${result.migrations
        .map((m) => `${m.version}_${m.name}`)
        .join(', ')}`
    : 'no pending migrations';
  const schemas = `${verb} ${result.schemaFiles.length} schema file(s)`;
  return `${migrations}; ${schemas}${dryRun ? ' (dry run: rolled back, nothing changed)' : ''}`;
}
