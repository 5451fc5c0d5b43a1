/**
 * The real local stack for the end-to-end tests: devstack (Postgres, PostgREST, Auth, Realtime)
 * with the repository's migrations, the ingest Worker (live passes), two sites, seeded traffic
 * and a service token for both (`pnpm sightline token`, signed with the project's signing key).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDevstack, type Devstack } from '@sightline/devstack';
import { startIngestWorker, type IngestWorker } from '@sightline/ingest-worker';
import { PostgrestClient } from '@sightline/postgrest';
import type { IngestBatch } from '@sightline/schema';
import { generateTraffic, type GroundTruth } from './seed.js';
import { startUnwatchedWorker } from './unwatched-worker.js';

const MIGRATIONS = fileURLToPath(new URL('../../../../supabase/migrations', import.meta.url));

export const SITE = 'e2e-shop';
export const OTHER_SITE = 'e2e-blog';

export interface SeededStack {
  stack: Devstack;
  worker: IngestWorker;
  /** What the built dashboard reads as /config.json. */
  dashboardConfig: { supabaseUrl: string; publishableKey: string; ingestUrl: string };
  truth: GroundTruth;
  /** The seeded traffic as it was written (tests derive further ground truth from it). */
  batch: IngestBatch;
  /** A service token for both sites. */
  token: string;
  /** A service token with these claims, as `sightline token --key` signs it (ES256). */
  mintToken: (claims: Record<string, unknown>, options?: { exp?: number }) => Promise<string>;
  stop: () => Promise<void>;
}

/** The ingest Worker in front of `stack`, with its keys (and `vars` for the Worker). */
export function startWorkerFor(
  stack: Devstack,
  vars?: Parameters<typeof startIngestWorker>[0]['vars'],
): Promise<IngestWorker> {
  return startIngestWorker({
    supabaseUrl: stack.url,
    secretKey: stack.secretKey,
    publishableKey: stack.publishableKey,
    signingKey: stack.signingKey,
    ...(vars ? { vars } : {}),
  });
}

export async function startSeededStack(): Promise<SeededStack> {
  const dataDir = await mkdtemp(join(tmpdir(), 'sightline-dashboard-stack-'));
  const stack = await startDevstack({ dataDir, migrationsDir: MIGRATIONS });
  let worker: IngestWorker | undefined;
  try {
    worker = await startWorkerFor(stack);
    const admin = new PostgrestClient(`${stack.url}/rest/v1`, {
      headers: { apikey: stack.secretKey, Authorization: `Bearer ${stack.secretKey}` },
    });
    const sites = await admin.from('sites').insert([
      { id: SITE, name: 'E2E Shop', timezone: 'UTC', public_live: false },
      { id: OTHER_SITE, name: 'E2E Blog', timezone: 'Europe/Berlin', public_live: false },
    ]);
    if (sites.error) throw new Error(`creating sites: ${sites.error.message}`);
    const { batch, truth } = generateTraffic(SITE, Date.now());
    const ingest = await admin.rpc('ingest_batch', { payload: batch });
    if (ingest.error) throw new Error(`ingest_batch: ${ingest.error.message}`);

    // What `pnpm sightline token --key … --url …` signs: ES256 with the project's signing key
    // (the Worker mints live passes only from tokens it can verify).
    const mintToken: SeededStack['mintToken'] = (claims, options = {}) =>
      stack.signToken(
        {
          role: 'authenticated',
          aud: 'authenticated',
          iss: stack.authUrl,
          sub: 'service:e2e',
          ...claims,
        },
        { expiresIn: 3600, ...options },
      );
    const token = await mintToken({ site_ids: [SITE, OTHER_SITE] });
    const running = worker;
    // The dashboard reaches the Worker without its watch snapshots (see unwatched-worker.ts).
    const unwatched = await startUnwatchedWorker(running.url);
    return {
      stack,
      worker: running,
      dashboardConfig: {
        supabaseUrl: stack.url,
        publishableKey: stack.publishableKey,
        ingestUrl: unwatched.url,
      },
      truth,
      batch,
      token,
      mintToken,
      stop: async () => {
        await unwatched.close();
        await running.stop();
        await stack.stop();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await worker?.stop();
    await stack.stop();
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}
