// `sightline import <file> --site <id|domain>`: where to import to, and the summary it prints.
import { createWriteStream, existsSync, openAsBlob, readFileSync, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { basename, join, resolve } from 'node:path';
import process from 'node:process';
import { daysOf, exportSite } from './export-site.js';
import {
  findSite,
  importExport,
  ImportRequestError,
  type ImportResult,
  type ImportTarget,
} from './import-export.js';
import { MIGRATIONS_DIR } from './paths.js';
import { findRepoRoot } from './token.js';

export interface ImportCommandOptions {
  file: string;
  site: string;
  timeZone?: string | undefined;
  url?: string | undefined;
  secretKey?: string | undefined;
  env?: Record<string, string | undefined>;
  cwd?: string;
}

/** A command line that names no usable target: exit 1 with the reason and code. */
export class ImportTargetError extends Error {
  override readonly name = 'ImportTargetError';
  constructor(
    readonly code: 'NO_SECRET_KEY' | 'NO_FILE',
    message: string,
  ) {
    super(message);
  }
}

async function reachable(target: ImportTarget): Promise<boolean> {
  try {
    const response = await fetch(`${target.url.replace(/\/+$/, '')}/rest/v1/`, {
      headers: { apikey: target.apiKey, authorization: `Bearer ${target.apiKey}` },
      signal: AbortSignal.timeout(2000),
    });
    return response.status < 500;
  } catch {
    return false;
  }
}

/**
 * The target: --url/--secret-key (or SUPABASE_URL/SUPABASE_SECRET_KEY), else the local devstack
 * that `pnpm dev` runs (its URL in .sightline/dashboard-config.json), else one started here on
 * .sightline/devstack for the import and stopped after it.
 */
async function withTarget<T>(
  options: Pick<ImportCommandOptions, 'url' | 'secretKey' | 'env' | 'cwd'>,
  run: (target: ImportTarget, where: string) => Promise<T>,
): Promise<T> {
  const env = options.env ?? process.env;
  const url = options.url ?? env.SUPABASE_URL;
  if (url) {
    const apiKey = options.secretKey ?? env.SUPABASE_SECRET_KEY;
    if (!apiKey)
      throw new ImportTargetError(
        'NO_SECRET_KEY',
        `importing into ${url} needs its secret key: --secret-key or SUPABASE_SECRET_KEY`,
      );
    return run({ url, apiKey }, url);
  }
  const root = findRepoRoot(options.cwd ?? process.cwd()) ?? process.cwd();
  const dataDir = join(root, '.sightline', 'devstack');
  const configFile = join(root, '.sightline', 'dashboard-config.json');
  const secretsFile = join(dataDir, 'secrets.json');
  if (existsSync(configFile) && existsSync(secretsFile)) {
    const { supabaseUrl } = JSON.parse(readFileSync(configFile, 'utf8')) as {
      supabaseUrl?: string;
    };
    const { secretKey } = JSON.parse(readFileSync(secretsFile, 'utf8')) as { secretKey?: string };
    if (supabaseUrl && secretKey) {
      const target = { url: supabaseUrl, apiKey: secretKey };
      if (await reachable(target)) return run(target, `the local devstack (${supabaseUrl})`);
    }
  }
  // Loaded here: the devstack is only needed when none is running.
  const { startDevstack } = await import('@sightline/devstack');
  process.stderr.write(`starting the local devstack on ${dataDir}\n`);
  // This package's SQL, wherever the command runs from (the devstack's default is the
  // workspace's supabase/migrations, which a workspace other than this repository lacks).
  const stack = await startDevstack({ dataDir, migrationsDir: MIGRATIONS_DIR });
  try {
    return await run({ url: stack.url, apiKey: stack.secretKey }, 'the local devstack');
  } finally {
    await stack.stop();
  }
}

export function describeImport(result: ImportResult, file: string, where: string): string {
  if (result.duplicate)
    return `${file}: already imported into site "${result.site_id}" (import ${result.id}); nothing changed`;
  const days = result.first_day ? `${result.first_day} to ${result.last_day}` : 'no days';
  return [
    `imported ${file} into site "${result.site_id}" on ${where}`,
    `  format      ${result.format}`,
    `  days        ${result.days} (${days})`,
    `  records     ${result.records}`,
    `  dimensions  ${result.dimensions.join(', ') || '(site totals only)'}`,
    `  import id   ${result.id} (delete: the dashboard's Settings → Imports, or delete_import)`,
  ].join('\n');
}

export async function importCommand(options: ImportCommandOptions): Promise<ImportResult> {
  const path = resolve(options.cwd ?? process.cwd(), options.file);
  if (!existsSync(path) || !statSync(path).isFile())
    throw new ImportTargetError('NO_FILE', `${options.file}: no such file`);
  const name = basename(path);
  return withTarget(options, async (target, where) => {
    const started = performance.now();
    const result = await importExport(target, {
      input: await openAsBlob(path),
      name,
      site: options.site,
      timeZone: options.timeZone,
      onProgress: (records) => {
        if (process.stderr.isTTY) process.stderr.write(`\r${records} records sent`);
      },
    });
    if (process.stderr.isTTY) process.stderr.write('\n');
    process.stdout.write(describeImport(result, name, where) + '\n');
    const seconds = (performance.now() - started) / 1000;
    process.stderr.write(
      `${result.records} records in ${seconds.toFixed(1)} s (${Math.round(result.records / seconds)} records/s)\n`,
    );
    return result;
  });
}

export interface ExportCommandOptions {
  site: string;
  from: string;
  to: string;
  out: string;
  url?: string | undefined;
  secretKey?: string | undefined;
  env?: Record<string, string | undefined>;
  cwd?: string;
}

/** `sightline export`: the site's daily reports as Sightline's export, written to --out. */
export async function exportCommand(options: ExportCommandOptions): Promise<void> {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(options.from) || !/^\d{4}-\d{2}-\d{2}$/.test(options.to))
    throw new ImportRequestError('invalid_range', '--from and --to are days (YYYY-MM-DD)', 0);
  const days = daysOf(options.from, options.to).length;
  if (days < 1 || days > 3660)
    throw new ImportRequestError(
      'invalid_range',
      '--from must not be after --to (at most ten years)',
      0,
    );
  const out = resolve(options.cwd ?? process.cwd(), options.out);
  await withTarget(options, async (target, where) => {
    const site = await findSite(target, options.site);
    const zip = exportSite(target, { ...options, site: site.id, timeZone: site.timezone });
    await pipeline(Readable.fromWeb(zip as never), createWriteStream(out));
    process.stdout.write(
      `exported site "${site.id}" from ${where}: ${days} days (${options.from} to ${options.to}, ${site.timezone}) to ${out}\n`,
    );
  });
}
