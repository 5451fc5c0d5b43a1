/**
 * Visitors-now across a restart of SiteLive: an object nobody calls for a while is evicted (a
 * small site between two heartbeats), and the next instance must still count the visitors who
 * are on the site. Here the whole runtime is replaced (a new workerd with the same Durable Object
 * storage), which drops the object's memory exactly as an eviction does.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batch, beaconHeaders, heartbeat, newVisit, pageview } from '../src/beacons.js';
import { inject } from 'vitest';
import { drained } from '../src/live-shards.js';
import { connectDb, createSite, siteStats, startWorker } from './support/env.js';

describe('SiteLive restarted while visitors are on the site', () => {
  let db: pg.Client;

  beforeAll(async () => {
    db = await connectDb();
  });
  afterAll(async () => {
    await db?.end();
  });

  it('the new instance counts the visitors present, not those who left', async () => {
    const persistDir = await mkdtemp(join(tmpdir(), 'sightline-live-restart-'));
    let worker = await startWorker({ persistDir });
    try {
      const site = await createSite(db, 'live-restart');
      const visits = [newVisit(), newVisit(), newVisit()];
      const send = async (events: unknown[]) => {
        const res = await fetch(`${worker.url}/v1/events`, {
          method: 'POST',
          headers: beaconHeaders('https://example.com'),
          body: JSON.stringify(batch(site, events)),
        });
        expect(res.status).toBe(202);
        await res.arrayBuffer();
      };
      for (const v of visits) await send([pageview(v)]);
      // The third visitor closes the tab: a final heartbeat.
      await send([heartbeat(visits[2]!, { final: true })]);
      await drained(worker.url, inject('workerKeys').secretKey, site, 4);
      expect((await siteStats(worker, site)).visitorsNow).toBe(2);

      await worker.stop();
      worker = await startWorker({ persistDir });
      expect((await siteStats(worker, site)).visitorsNow).toBe(2);
      // A visitor counted before the restart and seen again is still one visitor.
      await send([heartbeat(visits[0]!)]);
      await drained(worker.url, inject('workerKeys').secretKey, site, 1);
      expect((await siteStats(worker, site)).visitorsNow).toBe(2);
    } finally {
      await worker.stop();
      await rm(persistDir, { recursive: true, force: true });
    }
  });

  it('a live set too large to store leaves the object working (and is not restored)', async () => {
    const persistDir = await mkdtemp(join(tmpdir(), 'sightline-live-restart-'));
    let worker = await startWorker({ persistDir });
    try {
      const site = await createSite(db, 'live-large');
      // 150 visitors on pages with the longest path a URL may carry: a set far past what the
      // object rewrites every second (40,000 characters of JSON).
      const path = `/${'p'.repeat(1_000)}`;
      const visits = Array.from({ length: 150 }, () => newVisit());
      for (let i = 0; i < visits.length; i += 10) {
        const res = await fetch(`${worker.url}/v1/events`, {
          method: 'POST',
          headers: beaconHeaders('https://example.com'),
          body: JSON.stringify(
            batch(
              site,
              visits.slice(i, i + 10).map((v) => pageview(v, { url: path })),
            ),
          ),
        });
        expect(res.status).toBe(202);
        await res.arrayBuffer();
      }
      const key = inject('workerKeys').secretKey;
      await drained(worker.url, key, site, 150);
      expect((await siteStats(worker, site)).visitorsNow).toBe(150);
      // Still taking beacons after the flush alarm that would have stored the set.
      const later = await fetch(`${worker.url}/v1/events`, {
        method: 'POST',
        headers: beaconHeaders('https://example.com'),
        body: JSON.stringify(batch(site, [pageview(newVisit())])),
      });
      expect(later.status).toBe(202);
      await later.arrayBuffer();
      await drained(worker.url, key, site, 151);
      expect((await siteStats(worker, site)).visitorsNow).toBe(151);

      await worker.stop();
      worker = await startWorker({ persistDir });
      // A site this busy is never idle long enough to be evicted: its set is not kept.
      expect((await siteStats(worker, site)).visitorsNow).toBe(0);
    } finally {
      await worker.stop();
      await rm(persistDir, { recursive: true, force: true });
    }
  });
});
