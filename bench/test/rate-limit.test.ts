/**
 * Per-source rate-limit accuracy under a flood from many sources, through the Worker over HTTP:
 * 100 sources each send 40 beacons against a limit of 30 per minute; every source gets exactly
 * its limit (within 0.3 % in total, never above). apps/ingest/test covers one limiter key in
 * isolation and one source through the Worker. The per-site flood (many sources sharing one
 * site's limit) is measured by the bench run (src/benchmarks/rate-limit.ts).
 */
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flood, sourceFlood, startOfWindowWithRoom } from '../src/flood.js';
import type { WorkerHandle } from '../src/ingest-worker.js';
import { connectDb, createSite, startWorker } from './support/env.js';

const IP_LIMIT = 30;

describe('rate limits under a flood from many sources', () => {
  let db: pg.Client;
  let worker: WorkerHandle;

  beforeAll(async () => {
    db = await connectDb();
    worker = await startWorker({
      vars: {
        RATE_LIMIT_SITE_PER_MINUTE: '1000000000',
        RATE_LIMIT_IP_PER_MINUTE: String(IP_LIMIT),
      },
    });
  });
  afterAll(async () => {
    await worker?.stop();
    await db?.end();
  });

  it('holds each of 100 sources to its per-minute beacon limit', async () => {
    const site = await createSite(db, 'flood');
    await flood(worker.url, site, [{ ip: '192.0.2.2', events: 1 }]);
    await startOfWindowWithRoom(40);
    const results = await flood(worker.url, site, sourceFlood(100, 40));
    const perIp = new Map<string, number>();
    for (const r of results) if (r.status === 202) perIp.set(r.ip, (perIp.get(r.ip) ?? 0) + 1);
    const total = [...perIp.values()].reduce((a, b) => a + b, 0);
    console.info(`source flood: ${total} of 4,000 beacons accepted against 100 × ${IP_LIMIT}/min`);
    expect(results.every((r) => r.status === 202 || r.status === 429)).toBe(true);
    expect(total).toBeLessThanOrEqual(100 * IP_LIMIT);
    expect(total).toBeGreaterThanOrEqual(100 * IP_LIMIT * 0.997);
    for (const n of perIp.values()) expect(n).toBeLessThanOrEqual(IP_LIMIT);
  });
});
