/**
 * The real local stack for the end-to-end tests: devstack (Postgres, PostgREST, Realtime) with
 * the repository's migrations, two sites, seeded traffic and a dashboard token for both.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDevstack, type Devstack } from '@sightline/devstack';
import { PostgrestClient } from '@sightline/postgrest';
import { generateTraffic, type GroundTruth } from './seed.js';

const MIGRATIONS = fileURLToPath(new URL('../../../../supabase/migrations', import.meta.url));

export const SITE = 'e2e-shop';
export const OTHER_SITE = 'e2e-blog';

export interface SeededStack {
  stack: Devstack;
  truth: GroundTruth;
  /** A dashboard token for both sites. */
  token: string;
  /** A dashboard token with these claims, as `sightline token` signs it (legacy secret, HS256). */
  mintToken: (claims: Record<string, unknown>, options?: { exp?: number }) => Promise<string>;
  stop: () => Promise<void>;
}

export async function startSeededStack(): Promise<SeededStack> {
  const dataDir = await mkdtemp(join(tmpdir(), 'sightline-dashboard-stack-'));
  const stack = await startDevstack({ dataDir, migrationsDir: MIGRATIONS });
  try {
    const admin = new PostgrestClient(`${stack.url}/rest/v1`, {
      headers: { apikey: stack.serviceRoleKey, Authorization: `Bearer ${stack.serviceRoleKey}` },
    });
    const sites = await admin.from('sites').insert([
      { id: SITE, name: 'E2E Shop', timezone: 'UTC', public_live: false },
      { id: OTHER_SITE, name: 'E2E Blog', timezone: 'Europe/Berlin', public_live: false },
    ]);
    if (sites.error) throw new Error(`creating sites: ${sites.error.message}`);
    const { batch, truth } = generateTraffic(SITE, Date.now());
    const ingest = await admin.rpc('ingest_batch', { payload: batch });
    if (ingest.error) throw new Error(`ingest_batch: ${ingest.error.message}`);

    const mintToken: SeededStack['mintToken'] = (claims, options = {}) =>
      stack.signToken(
        { role: 'authenticated', aud: 'authenticated', sub: 'e2e', ...claims },
        { algorithm: 'HS256', ...options },
      );
    const token = await mintToken({ site_ids: [SITE, OTHER_SITE] });
    return {
      stack,
      truth,
      token,
      mintToken,
      stop: async () => {
        await stack.stop();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await stack.stop();
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}
