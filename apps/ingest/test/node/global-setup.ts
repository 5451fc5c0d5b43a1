/** Starts the Supabase recorder (see supabase-recorder.ts) for the Miniflare tests. */
import type { TestProject } from 'vitest/node';
import { startRecorder } from './supabase-recorder.js';

import '../support/recorder-types.js';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const recorder = await startRecorder();
  project.provide('recorderUrl', recorder.url);
  return () => recorder.close();
}
