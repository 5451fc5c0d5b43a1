// `pnpm sightline <command>` (bin/sightline.js): dashboard tokens and database deploys.
import process from 'node:process';
import { parseArgs } from 'node:util';
import { parseTtl, resolveSecret, signDashboardToken } from './token.js';

const USAGE = `usage:
  sightline token --site <id> [--site <id2>] [--ttl 30d] [--secret <secret>]
      prints a dashboard token (JWT) for the sites on stdout.
      --site     a site id the token may read (repeatable)
      --ttl      lifetime: 30d (default), 12h, 15m, or seconds
      --secret   the project's JWT secret (else env SUPABASE_JWT_SECRET, else the local
                 devstack's); write --secret=<s> when the secret starts with "-"
  sightline db deploy [--db-url <postgres url>] [--dry-run]
      applies the pending migrations (supabase/migrations) and then every schema file
      (supabase/schemas) in one transaction: how a database is installed and upgraded.
      --db-url   the database's connection string (else env SUPABASE_DB_URL)
      --dry-run  apply everything, then roll back: checks the deploy, changes nothing`;

/** A command line that cannot run: exit code 2 with the usage. */
class UsageError extends Error {
  readonly code = 'USAGE';
}

async function token(values: { site?: string[]; ttl?: string; secret?: string }): Promise<void> {
  const siteIds = [...new Set(values.site ?? [])];
  if (!siteIds.length) throw new Error('at least one --site is required');
  const { secret, source } = resolveSecret({ secret: values.secret });
  const jwt = await signDashboardToken({
    siteIds,
    secret,
    ttlSeconds: parseTtl(values.ttl ?? '30d'),
  });
  process.stderr.write(`signed with the secret from ${source}\n`);
  process.stdout.write(jwt + '\n');
}

async function dbDeploy(values: { 'db-url'?: string; 'dry-run'?: boolean }): Promise<void> {
  const dbUrl = values['db-url'] ?? process.env.SUPABASE_DB_URL;
  if (!dbUrl) throw new Error('no database: pass --db-url or set SUPABASE_DB_URL');
  const dryRun = values['dry-run'] ?? false;
  // Loaded here: the devstack package (the deploy's implementation) is not needed for tokens.
  const { deployTo, describeDeploy } = await import('./db-deploy.js');
  const result = await deployTo({ dbUrl, dryRun });
  process.stderr.write(describeDeploy(result, dryRun) + '\n');
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      site: { type: 'string', multiple: true },
      ttl: { type: 'string' },
      secret: { type: 'string' },
      'db-url': { type: 'string' },
      'dry-run': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const command = positionals.join(' ');
  if (values.help) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  if (command === 'token') await token(values);
  else if (command === 'db deploy') await dbDeploy(values);
  else throw new UsageError(`unknown command "${command}"`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`sightline: ${error.message}\n${USAGE}\n`);
      process.exitCode = 2;
      return;
    }
    const code = (error as { code?: unknown }).code;
    const suffix = typeof code === 'string' ? ` (${code})` : '';
    process.stderr.write(
      `sightline: ${error instanceof Error ? error.message : String(error)}${suffix}\n`,
    );
    process.exitCode = 1;
  },
);
