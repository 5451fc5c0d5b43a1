/**
 * Realtime stopped and restarted under steady ingest: every beacon is still accepted and lands
 * in Postgres exactly once, and a dashboard's realtime-js client reconnects by itself and
 * converges to the right live count. Uses a devstack of its own (restartRealtime is a method of
 * the running stack). apps/ingest/test covers Realtime unreachable behind a proxy.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LiveMessage } from '@sightline/schema';
import { batch, beaconHeaders, newVisit, pageview, heartbeat, type Visit } from '../src/beacons.js';
import { connectDashboard, type DashboardClient } from '../src/dashboard-client.js';
import { startIngestMiniflare, type WorkerHandle } from '../src/ingest-worker.js';
import { startDbStack, type DbStack } from '../src/stack.js';
import { pollUntil } from '@sightline/test-utils';
import { sleep } from '../src/wait.js';
import { inject } from 'vitest';
import { createSite, rowCounts, send } from './support/env.js';

describe('Realtime restarted under steady ingest', () => {
  let stack: DbStack;
  let worker: WorkerHandle;
  let dashboard: DashboardClient;

  beforeAll(async () => {
    stack = await startDbStack();
    worker = await startIngestMiniflare({
      supabaseUrl: stack.devstack.url,
      keys: stack.devstack,
      buildDir: inject('buildDir'),
    });
  });
  afterAll(async () => {
    await dashboard?.close();
    await worker?.stop();
    await stack?.stop();
  });

  it('keeps ingesting, loses nothing, and the dashboard converges after reconnecting', async () => {
    const site = await createSite(stack.db, 'rtrestart');
    dashboard = await connectDashboard(stack.devstack, site, { ingestUrl: worker.url });
    const messages: LiveMessage[] = [];
    dashboard.onLive((m) => messages.push(m));

    const visits: Visit[] = [];
    const statuses: number[] = [];
    let sent = 0;
    const beat = async (events: Record<string, unknown>[]) => {
      const res = await send(
        `${worker.url}/v1/events`,
        JSON.stringify(batch(site, events)),
        beaconHeaders('https://example.com'),
      );
      statuses.push(res.status);
      sent += events.length;
    };
    // Steady traffic: a new visitor every 100 ms and heartbeats from earlier ones, for 12 s,
    // with Realtime restarted a third of the way in, once the dashboard is receiving it.
    const traffic = (async () => {
      for (let i = 0; i < 120; i++) {
        const v = newVisit();
        visits.push(v);
        await beat(i % 3 === 0 && i > 0 ? [pageview(v), heartbeat(visits[i - 1]!)] : [pageview(v)]);
        await sleep(100);
      }
    })();
    await pollUntil(() => visits.length >= 40 && messages.length > 0, {
      timeoutMs: 30_000,
      what: 'a third of the traffic sent and live messages on the dashboard',
    });
    const beforeRestart = messages.length;
    await stack.devstack.restartRealtime();
    await traffic;

    expect(beforeRestart).toBeGreaterThan(0);
    expect(statuses.every((s) => s === 202)).toBe(true);
    // Every event in Postgres, once.
    await pollUntil(async () => (await rowCounts(stack.db, site)).events === sent, {
      timeoutMs: 20_000,
      what: 'all events in Postgres',
    });
    const { rows } = await stack.db.query<{ n: string; distinct: string }>(
      'select count(*) as n, count(distinct id) as distinct from public.events where site_id = $1',
      [site],
    );
    expect(Number(rows[0]!.n)).toBe(sent);
    expect(Number(rows[0]!.distinct)).toBe(sent);
    expect((await rowCounts(stack.db, site)).visitors).toBe(visits.length);

    // The client rejoined by itself and receives the live count of all 120 visitors.
    const converged = await pollUntil(
      () => messages.slice(beforeRestart).find((m) => m.visitorsNow === visits.length),
      { timeoutMs: 20_000, what: 'a live message with every visitor after the restart' },
    );
    expect(converged.visitorsNow).toBe(120);
    expect(dashboard.client.isConnected()).toBe(true);
  }, 120_000);
});
