#!/usr/bin/env node
// `pnpm sightline token --site <id> [--site <id2>] [--ttl 30d] [--secret <s>]`: prints a
// dashboard token (JWT) on stdout. Secret: --secret, env SUPABASE_JWT_SECRET, or the local
// devstack's.
import process from 'node:process';
import { parseArgs } from 'node:util';
import { parseTtl, resolveSecret, signDashboardToken } from '../src/token.js';

const USAGE = `usage: sightline token --site <id> [--site <id2>] [--ttl 30d] [--secret <secret>]

  --site     a site id the token may read (repeatable)
  --ttl      lifetime: 30d (default), 12h, 15m, or seconds
  --secret   the project's JWT secret (else env SUPABASE_JWT_SECRET, else the local devstack's);
             write --secret=<s> when the secret starts with "-"`;

/** @param {string[]} argv */
async function main(argv) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      site: { type: 'string', multiple: true },
      ttl: { type: 'string', default: '30d' },
      secret: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || positionals[0] !== 'token') {
    process.stderr.write(USAGE + '\n');
    return values.help ? 0 : 2;
  }
  const siteIds = [...new Set(values.site ?? [])];
  if (!siteIds.length) throw new Error('at least one --site is required');
  const { secret, source } = resolveSecret({ secret: values.secret });
  const token = await signDashboardToken({ siteIds, secret, ttlSeconds: parseTtl(values.ttl) });
  process.stderr.write(`signed with the secret from ${source}\n`);
  process.stdout.write(token + '\n');
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`sightline: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
