/**
 * The cost benchmark's operation counts (src/operation-counter.ts) are taken outside SiteLive:
 * they must agree with the object's own counters while it lives, count what the object cannot
 * see (KV reads, the Worker's requests), and leave the deployable behaviour alone (a beacon is
 * answered and lands as without the wrapper).
 */
import { inject, afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { batch, beaconHeaders, newVisit, pageview } from '../src/beacons.js';
import { startIngestMiniflare, type WorkerHandle } from '../src/ingest-worker.js';
import { operations, operationsBetween, sumOf } from '../src/operation-counter.js';
import { pollUntil } from '@sightline/test-utils';
import { connectDb, createSite, rowCounts, siteStats } from './support/env.js';

describe('operation counts outside the Durable Object', () => {
  let db: pg.Client;
  let worker: WorkerHandle;

  beforeAll(async () => {
    db = await connectDb();
    worker = await startIngestMiniflare({
      supabaseUrl: inject('stackUrl'),
      keys: inject('workerKeys'),
      buildDir: inject('buildDir'),
      vars: { STORE_RAW_EVENTS: 'true' },
      countOperations: true,
    });
  });
  afterAll(async () => {
    await worker?.stop();
    await db?.end();
  });

  it('counts SiteLive calls, alarms, points, KV and requests as the object does', async () => {
    const site = await createSite(db, 'ops');
    const before = await operations(worker.url);
    const visits = [newVisit(), newVisit(), newVisit()];
    for (const v of visits) {
      const res = await fetch(`${worker.url}/v1/events`, {
        method: 'POST',
        headers: beaconHeaders('https://example.com'),
        body: JSON.stringify(batch(site, [pageview(v)])),
      });
      expect(res.status).toBe(202);
      await res.arrayBuffer();
    }
    await pollUntil(async () => (await rowCounts(db, site)).events === 3, {
      timeoutMs: 20_000,
      what: 'the three page views in Postgres',
    });
    const ops = operationsBetween(before, await operations(worker.url));
    const own = await siteStats(worker, site);
    expect(ops['worker /v1/events']).toBe(3);
    // The Worker coalesces a site's beacons per 10 ms window: at most one call per beacon.
    expect(ops['do.ingest']).toBeGreaterThanOrEqual(1);
    expect(ops['do.ingest']).toBeLessThanOrEqual(3);
    expect(ops['ae.writeDataPoint']).toBe(3);
    // The object lived through it all, so its own counters agree.
    expect(own.accepted).toBe(3);
    // The site's config: read from KV once (then cached in the isolate), written back once.
    expect(sumOf(ops, 'kv.')).toBeGreaterThanOrEqual(1);
    expect(ops['do.alarm'] ?? 0).toBeGreaterThanOrEqual(1);
    expect(ops['do.constructed']).toBe(1);
  });
});
