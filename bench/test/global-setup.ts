/**
 * Starts what every fault test shares: the devstack with migrations and the demo seed, and one
 * `wrangler deploy --dry-run` build of the ingest Worker. Each test file runs its own Worker
 * (own vars, own storage) against them.
 */
import type { TestProject } from 'vitest/node';
import { startDbStack } from '../src/stack.js';
import { buildIngestWorker } from '../src/worker-build.js';

declare module 'vitest' {
  export interface ProvidedContext {
    stackUrl: string;
    dbUrl: string;
    serviceRoleKey: string;
    anonKey: string;
    jwtSecret: string;
    buildDir: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const [stack, build] = await Promise.all([startDbStack(), buildIngestWorker()]);
  project.provide('stackUrl', stack.devstack.url);
  project.provide('dbUrl', stack.devstack.dbUrl);
  project.provide('serviceRoleKey', stack.devstack.serviceRoleKey);
  project.provide('anonKey', stack.devstack.anonKey);
  project.provide('jwtSecret', stack.devstack.jwtSecret);
  project.provide('buildDir', build.dir);
  return async () => {
    await stack.stop();
    await build.remove();
  };
}
