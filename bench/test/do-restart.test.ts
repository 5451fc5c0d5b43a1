/**
 * A SiteLive Durable Object restarted mid-flush: nothing lost, nothing doubled. The Worker's
 * ingest_batch call is held at a proxy between the Worker and the devstack, the whole runtime is
 * then killed (a new workerd with the same Durable Object storage takes over), and the held call
 * is either dropped (it never reached Postgres) or forwarded (Postgres commits, the answer is
 * lost). Afterwards every event is in Postgres exactly once and the additive rollups count each
 * page view once. apps/ingest/test covers lost answers and outages with the object alive.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { inject, afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batch, beaconHeaders, heartbeat, newVisit, pageview } from '../src/beacons.js';
import { startCountingProxy, type CountingProxy } from '../src/counting-proxy.js';
import { pollUntil } from '@sightline/test-utils';
import { connectDb, createSite, send, siteStats, startWorker } from './support/env.js';

describe('SiteLive restarted mid-flush', () => {
  let db: pg.Client;
  let proxy: CountingProxy;

  beforeAll(async () => {
    db = await connectDb();
    proxy = await startCountingProxy(inject('stackUrl'));
  });
  afterAll(async () => {
    await proxy?.close();
    await db?.end();
  });

  async function landed(site: string) {
    const { rows } = await db.query<{
      ids: string[] | null;
      pageviews: string | null;
      engaged: string | null;
    }>(
      `select (select array_agg(id order by id) from public.events where site_id = $1) as ids,
              (select sum(pageviews) from public.rollups where site_id = $1 and dimension = '') as pageviews,
              (select sum(engaged_ms) from public.sessions where site_id = $1) as engaged`,
      [site],
    );
    return {
      ids: rows[0]!.ids ?? [],
      rollupPageviews: Number(rows[0]!.pageviews ?? 0),
      sessionEngagedMs: Number(rows[0]!.engaged ?? 0),
    };
  }

  it.each([
    ['dropped before Postgres saw it', 'drop'],
    ['committed by Postgres, answer lost', 'forward'],
  ] as const)(
    'the held ingest_batch is %s',
    async (_name, how) => {
      const site = await createSite(db, 'restart');
      const persistDir = await mkdtemp(join(tmpdir(), 'sightline-do-restart-'));
      let worker = await startWorker({ supabaseUrl: proxy.url, persistDir });
      try {
        const post = async (events: Record<string, unknown>[]) => {
          const res = await send(
            `${worker.url}/v1/events`,
            JSON.stringify(batch(site, events)),
            beaconHeaders('https://example.com'),
          );
          expect(res.status).toBe(202);
        };
        const sent: string[] = [];
        // First a flush that goes through (site config cached, session state in storage).
        const visits = Array.from({ length: 5 }, newVisit);
        for (const v of visits) {
          const e = pageview(v);
          sent.push(e.id);
          await post([e]);
        }
        await pollUntil(async () => (await landed(site)).ids.length === 5, {
          timeoutMs: 20_000,
          what: 'first flush',
        });

        // Then a batch whose flush is held at the proxy.
        proxy.setMode('rest', 'hold');
        for (const v of visits) {
          const events = [heartbeat(v), pageview(v, { url: '/checkout' })];
          sent.push(...events.map((e) => e.id));
          await post(events);
        }
        await pollUntil(() => proxy.held() > 0, { timeoutMs: 20_000, what: 'a held ingest_batch' });
        const before = await siteStats(worker, site);
        expect(before.accepted).toBe(15);

        // Kill the runtime mid-flush, then resolve the held call.
        await worker.stop();
        proxy.release(how);
        proxy.setMode('rest', 'up');
        worker = await startWorker({ supabaseUrl: proxy.url, persistDir });

        // The restarted object retries its stored batch by itself: its alarm survives.
        await pollUntil(async () => (await landed(site)).ids.length === 15, {
          timeoutMs: 15_000,
          what: 'recovery',
        });
        const late = pageview(newVisit());
        sent.push(late.id);
        await post([late]);
        await pollUntil(async () => (await landed(site)).ids.length === 16, {
          timeoutMs: 20_000,
          what: 'all events',
        });
        // Flushes leave the object in order: once a later event has landed, no earlier batch
        // (a retried copy of the held one included) is still on its way.
        const sentinel = pageview(newVisit());
        sent.push(sentinel.id);
        await post([sentinel]);
        await pollUntil(async () => (await landed(site)).ids.length === 17, {
          timeoutMs: 20_000,
          what: 'the sentinel',
        });

        const result = await landed(site);
        expect(result.ids).toEqual([...sent].sort());
        // Additive rollups: each of the 12 page views counted once.
        expect(result.rollupPageviews).toBe(12);
        expect(result.sessionEngagedMs).toBe(5 * 15_000);
        const after = await siteStats(worker, site);
        expect(after.outboxBatches + after.pendingEvents).toBe(0);
      } finally {
        proxy.setMode('rest', 'up');
        await worker.stop();
        await rm(persistDir, { recursive: true, force: true });
      }
    },
    120_000,
  );
});
