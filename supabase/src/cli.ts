// `pnpm sightline <command>` (bin/sightline.js): service tokens, signing keys and database deploys.
import process from 'node:process';
import { parseArgs } from 'node:util';
import { legacySecretKey, newSigningKey } from './signing-key.js';
import { parseTtl, resolveSigner, signDashboardToken } from './token.js';

const USAGE = `usage:
  sightline token --site <id> [--site <id2>] [--ttl 30d] [--key <jwk|file>] [--url <project url>]
                  [--secret <legacy secret>]
      prints a service token (JWT) for automation: it reads the sites' reports as a member does,
      changes nothing, and cannot be revoked before it expires (keep --ttl short).
      --site     a site id the token may read (repeatable)
      --ttl      lifetime: 30d (default), 12h, 15m, or seconds
      --key      the private JWK of a signing key imported into the project (JSON, or a file);
                 else env SIGHTLINE_SIGNING_KEY
      --url      the project's URL (else env SUPABASE_URL): the issuer of tokens signed with a key
      --secret   the project's legacy JWT secret (else env SUPABASE_JWT_SECRET, else the local
                 devstack's); write --secret=<s> when the secret starts with "-"
  sightline signing-key [--legacy-secret <secret>]
      prints a new private signing key (ES256 JWK with a kid) for the Worker's
      SIGHTLINE_SIGNING_KEY and for import into the Supabase project (docs/deploy.md); with
      --legacy-secret, that secret as an oct JWK (HS256) instead
  sightline db deploy [--db-url <postgres url>] [--dry-run]
      applies the pending migrations (supabase/migrations) and then every schema file
      (supabase/schemas) in one transaction: how a database is installed and upgraded.
      --db-url   the database's connection string (else env SUPABASE_DB_URL)
      --dry-run  apply everything, then roll back: checks the deploy, changes nothing
  sightline import <file> --site <id|domain> [--time-zone <zone>] [--url <project url>]
                   [--secret-key <key>]
      imports an analytics export (Plausible's CSV zip, Umami's export, Sightline's own CSV
      export) into a site's history (docs/imports.md); importing the same file again changes
      nothing. Into the local devstack unless --url (or env SUPABASE_URL) names a project.
      --site        the site's id or one of its domains
      --time-zone   the zone of Umami's days (default the site's)
      --secret-key  the project's secret key (else env SUPABASE_SECRET_KEY)
  sightline export --site <id|domain> --from <YYYY-MM-DD> --to <YYYY-MM-DD> --out <file.zip>
                   [--url <project url>] [--secret-key <key>]
      writes the site's reports for every local day from --from to --to (inclusive) as
      Sightline's export (a zip of daily CSVs), which sightline import reads`;

/** A command line that cannot run: exit code 2 with the usage. */
class UsageError extends Error {
  readonly code = 'USAGE';
}

async function token(values: {
  site?: string[];
  ttl?: string;
  secret?: string;
  key?: string;
  url?: string;
}): Promise<void> {
  const siteIds = [...new Set(values.site ?? [])];
  if (!siteIds.length) throw new Error('at least one --site is required');
  const { source, ...signer } = resolveSigner({ secret: values.secret, key: values.key });
  const url = (values.url ?? process.env.SUPABASE_URL)?.replace(/\/+$/, '');
  const jwt = await signDashboardToken({
    siteIds,
    ...signer,
    issuer: signer.key && url ? `${url}/auth/v1` : undefined,
    ttlSeconds: parseTtl(values.ttl ?? '30d'),
  });
  process.stderr.write(`signed with the key from ${source}\n`);
  process.stdout.write(jwt + '\n');
}

async function signingKey(values: { 'legacy-secret'?: string }): Promise<void> {
  const jwk = values['legacy-secret']
    ? legacySecretKey(values['legacy-secret'])
    : await newSigningKey();
  process.stdout.write(JSON.stringify(jwk) + '\n');
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
      key: { type: 'string' },
      url: { type: 'string' },
      'legacy-secret': { type: 'string' },
      'db-url': { type: 'string' },
      'dry-run': { type: 'boolean' },
      'time-zone': { type: 'string' },
      'secret-key': { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (positionals[0] === 'import') {
    const [file, ...rest] = positionals.slice(1);
    if (!file || rest.length) throw new UsageError('import takes one file');
    const site = values.site?.[0];
    if (!site || values.site?.length !== 1) throw new UsageError('import needs one --site');
    // Loaded here: the import reader is not needed for the other commands.
    const { importCommand } = await import('./import-command.js');
    await importCommand({
      file,
      site,
      timeZone: values['time-zone'],
      url: values.url,
      secretKey: values['secret-key'],
    });
    return 0;
  }
  if (positionals.join(' ') === 'export') {
    const site = values.site?.[0];
    if (!site || values.site?.length !== 1) throw new UsageError('export needs one --site');
    if (!values.from || !values.to || !values.out)
      throw new UsageError('export needs --from, --to and --out');
    const { exportCommand } = await import('./import-command.js');
    await exportCommand({
      site,
      from: values.from,
      to: values.to,
      out: values.out,
      url: values.url,
      secretKey: values['secret-key'],
    });
    return 0;
  }
  const command = positionals.join(' ');
  if (values.help) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  if (command === 'token') await token(values);
  else if (command === 'signing-key') await signingKey(values);
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
