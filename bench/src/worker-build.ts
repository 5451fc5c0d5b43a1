/**
 * Builds the ingest Worker the way it deploys — `wrangler deploy --dry-run --outdir` in
 * apps/ingest — into a directory of our own, so the benchmarks and tests run exactly the
 * deployable bundle and never race a rebuild of apps/ingest/dist.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fromRoot } from './paths.js';

export interface WorkerBuild {
  dir: string;
  /** Module files of the bundle (no source maps, no README), with their bytes. */
  files: Record<string, Buffer>;
  remove(): Promise<void>;
}

export async function buildIngestWorker(): Promise<WorkerBuild> {
  const dir = await mkdtemp(join(tmpdir(), 'sightline-worker-build-'));
  await promisify(execFile)(
    fromRoot('bench/node_modules/.bin/wrangler'),
    ['deploy', '--dry-run', '--outdir', dir],
    {
      cwd: fromRoot('apps/ingest'),
      env: {
        ...process.env,
        WRANGLER_LOG: 'warn',
        WRANGLER_SEND_METRICS: 'false',
        CLOUDFLARE_CF_FETCH_ENABLED: 'false',
      },
    },
  );
  const files: Record<string, Buffer> = {};
  for (const name of await readdir(dir)) {
    if (name.endsWith('.map') || name.endsWith('.md')) continue;
    files[name] = await readFile(join(dir, name));
  }
  return { dir, files, remove: () => rm(dir, { recursive: true, force: true }) };
}

let shared: Promise<WorkerBuild> | undefined;
/** One build per process (the directory is removed at exit by `removeSharedBuild`). */
export const sharedIngestBuild = (): Promise<WorkerBuild> => (shared ??= buildIngestWorker());
export async function removeSharedBuild(): Promise<void> {
  const build = await shared?.catch(() => undefined);
  await build?.remove();
  shared = undefined;
}
