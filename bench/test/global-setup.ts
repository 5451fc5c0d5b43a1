/**
 * Starts what every fault test shares: the devstack with migrations and the demo seed, and one
 * `wrangler deploy --dry-run` build of the ingest Worker. Each test file runs its own Worker
 * (own vars, own storage) against them.
 */
import type { TestProject } from 'vitest/node';
import { startDbStack } from '../src/stack.js';
import { buildIngestWorker } from '../src/worker-build.js';
import { workerKeys, type WorkerKeys } from '../src/ingest-worker.js';

declare module 'vitest' {
  export interface ProvidedContext {
    stackUrl: string;
    dbUrl: string;
    workerKeys: WorkerKeys;
    buildDir: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const [stack, build] = await Promise.all([startDbStack(), buildIngestWorker()]);
  project.provide('stackUrl', stack.devstack.url);
  project.provide('dbUrl', stack.devstack.dbUrl);
  project.provide('workerKeys', workerKeys(stack.devstack));
  project.provide('buildDir', build.dir);
  return async () => {
    await stack.stop();
    await build.remove();
  };
}
