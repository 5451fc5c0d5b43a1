/**
 * A plain `wrangler deploy` deploys production. The top level of apps/ingest/wrangler.jsonc used
 * to be the development configuration, so deploying without `--env production` gave a Worker
 * that accepted loopback origins, honoured `?dev_geo=` and stored raw events in Postgres. Here
 * the deployable bundle runs with the top level's vars (what a plain deploy binds) and is
 * checked from the outside.
 */
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batch, beaconHeaders, newVisit, pageview } from '../src/beacons.js';
import type { WorkerHandle } from '../src/ingest-worker.js';
import { fromRoot } from '../src/paths.js';
import { readWranglerConfig } from '../src/wrangler-config.js';
import { connectDb, createSite, send, startWorker } from './support/env.js';

interface Config {
  vars: Record<string, string>;
  kv_namespaces: unknown[];
  durable_objects: unknown;
  analytics_engine_datasets?: unknown[];
  unsafe?: { bindings: { name: string; type: string }[] };
  env: Record<string, Config>;
}

describe('apps/ingest/wrangler.jsonc', () => {
  let config: Config;
  let db: pg.Client;
  let worker: WorkerHandle;

  beforeAll(async () => {
    config = await readWranglerConfig<Config>(fromRoot('apps/ingest/wrangler.jsonc'));
    db = await connectDb();
    // The top level's vars but the devstack's URL (the placeholder would reach nothing).
    const { SUPABASE_URL: _placeholder, ...vars } = config.vars;
    worker = await startWorker({ vars });
  });
  afterAll(async () => {
    await worker?.stop();
    await db?.end();
  });

  it('is production at the top level, with development a named environment binding the same', () => {
    expect(config.vars).toMatchObject({ ENVIRONMENT: 'production', STORE_RAW_EVENTS: 'false' });
    expect(Object.keys(config.env)).toEqual(['development']);
    const development = config.env.development!;
    expect(development.vars.ENVIRONMENT).toBe('development');
    expect(Object.keys(development.vars).sort()).toEqual(Object.keys(config.vars).sort());
    // Bindings are not inherited by an environment: each must be declared again. Analytics
    // Engine is the real dataset in production, the devstack's local one in development.
    for (const key of ['kv_namespaces', 'durable_objects'] as const)
      expect(development[key]).toEqual(config[key]);
    expect(config.analytics_engine_datasets).toEqual([
      { binding: 'EVENTS_AE', dataset: 'sightline_events' },
    ]);
    expect(development.analytics_engine_datasets).toBeUndefined();
    expect(development.unsafe?.bindings.map((b) => [b.name, b.type])).toEqual([
      ['EVENTS_AE', 'analytics_engine_local'],
    ]);
    expect(config.unsafe).toBeUndefined();
  });

  it('deployed plainly, refuses a loopback origin and ignores the dev geo override', async () => {
    const site = await createSite(db, 'production');
    const body = JSON.stringify(batch(site, [pageview(newVisit())]));
    const loopback = await send(
      `${worker.url}/v1/events`,
      body,
      beaconHeaders('http://127.0.0.1:5173'),
    );
    expect(loopback.status).toBe(403);
    const health = await fetch(`${worker.url}/v1/health`);
    expect(await health.json()).toEqual({ ok: true, environment: 'production' });

    const geo = encodeURIComponent(JSON.stringify({ country: 'FR', city: 'Paris' }));
    const accepted = await send(
      `${worker.url}/v1/events?dev_geo=${geo}`,
      body,
      beaconHeaders('https://example.com'),
    );
    expect(accepted.status).toBe(202);
    // Geo from request.cf (the bench's Berlin), not from the override.
    await expect
      .poll(
        async () =>
          (
            await db.query<{ country: string }>(
              'select country from public.sessions where site_id = $1',
              [site],
            )
          ).rows.map((r) => r.country),
        { timeout: 10_000 },
      )
      .toEqual(['DE']);
  });
});
