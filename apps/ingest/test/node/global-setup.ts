/** Starts the Supabase recorder (see supabase-recorder.ts) for the Miniflare tests. */
import { exportJWK, generateKeyPair } from 'jose';
import type { TestProject } from 'vitest/node';
import { startRecorder } from './supabase-recorder.js';

import '../support/recorder-types.js';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const recorder = await startRecorder();
  project.provide('recorderUrl', recorder.url);
  // The Worker's signing key (SIGHTLINE_SIGNING_KEY): the tests sign dashboard tokens with it,
  // and the Worker verifies them with it as it does a project's imported key.
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), alg: 'ES256', kid: 'recorder-test-key' };
  project.provide('signingKey', JSON.stringify(jwk));
  return () => recorder.close();
}
