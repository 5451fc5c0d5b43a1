/** Runs in Node: starts the devstack the Workers-runtime tests talk to, and stops it after. */
import type { TestProject } from 'vitest/node';
import { startStack } from '../helpers/stack.js';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const { stack, stop } = await startStack();
  project.provide('restUrl', `${stack.url}/rest/v1`);
  project.provide('anonKey', stack.anonKey);
  return stop;
}
