/**
 * Event to screen: a beacon POSTed to the ingest Worker until a dashboard's realtime-js client
 * receives it, (1) in a `live` broadcast on `site:<id>` (the pushed path: Worker → SiteLive →
 * Realtime broadcast API) and (2) as a `visitors` row change (the database path: SiteLive flush
 * → ingest_batch → trigger → postgres_changes). Each beacon is a new visitor's page view, sent
 * at random intervals (mean 50 ms) so that pushes are neither always idle nor always coalesced.
 */
import { batch, beaconHeaders, newVisit, pageview } from '../beacons.js';
import { connectDashboard } from '../dashboard-client.js';
import { startIngestMiniflare } from '../ingest-worker.js';
import { summarize } from '../stats.js';
import type { DbStack } from '../stack.js';
import { sleep } from '../wait.js';
import { UNLIMITED } from './ingest.js';
import { startBackgroundLoad } from '../background-load.js';

export async function benchEventToScreen(
  stack: DbStack,
  events: number,
  log: (s: string) => void,
  /**
   * Steady background traffic (other visitors, 2,000 of them) while the probes are sent: at a
   * fixed rate (open loop) or, without `ratePerSecond`, as fast as the stack answers.
   */
  background?: { connections: number; ratePerSecond?: number },
) {
  const worker = await startIngestMiniflare({
    supabaseUrl: stack.devstack.url,
    keys: stack.devstack,
    vars: UNLIMITED,
  });
  const dashboard = await connectDashboard(stack.devstack, stack.site, {
    changes: true,
    ingestUrl: worker.url,
  });
  const sentAt = new Map<string, number>(); // event id → send time
  const visitorSentAt = new Map<string, number>();
  const broadcastMs: number[] = [];
  const changeMs: number[] = [];
  dashboard.onLive((message, at) => {
    for (const e of message.events ?? []) {
      const t = sentAt.get(e.id);
      if (t !== undefined) {
        broadcastMs.push(at - t);
        sentAt.delete(e.id);
      }
    }
  });
  dashboard.onVisitorRow((row, at) => {
    const t = visitorSentAt.get(String(row.visitor_id));
    if (t !== undefined) {
      changeMs.push(at - t);
      visitorSentAt.delete(String(row.visitor_id));
    }
  });
  try {
    // Warm: site config, the Durable Object, Realtime's channel.
    for (let i = 0; i < 5; i++) {
      await fetch(`${worker.url}/v1/events`, {
        method: 'POST',
        headers: beaconHeaders(),
        body: JSON.stringify(batch(stack.site, [pageview(newVisit())])),
      }).then((r) => r.arrayBuffer());
    }
    await sleep(2_000);
    const backgroundLoad =
      background &&
      startBackgroundLoad({
        url: `${worker.url}/v1/events`,
        site: stack.site,
        visits: 2_000,
        headers: beaconHeaders(),
        ...background,
      });
    let failed = 0;
    const inflight: Promise<void>[] = [];
    for (let i = 0; i < events; i++) {
      const visit = newVisit();
      const event = pageview(visit);
      const t0 = performance.now();
      sentAt.set(event.id, t0);
      visitorSentAt.set(visit.visitor, t0);
      inflight.push(
        fetch(`${worker.url}/v1/events`, {
          method: 'POST',
          headers: beaconHeaders(),
          body: JSON.stringify(batch(stack.site, [event])),
        })
          .then(async (r) => {
            await r.arrayBuffer();
            if (r.status !== 202) failed++;
          })
          .catch(() => {
            failed++;
          }),
      );
      await sleep(Math.random() * 100);
      if (i % 200 === 199)
        log(`  ${i + 1} sent, ${broadcastMs.length} broadcast, ${changeMs.length} row changes`);
    }
    await Promise.all(inflight);
    const load = await backgroundLoad?.stop().catch(() => undefined);
    const deadline = Date.now() + 20_000;
    while ((sentAt.size > 0 || visitorSentAt.size > 0) && Date.now() < deadline) await sleep(200);
    return {
      events,
      background:
        load && background
          ? {
              connections: background.connections,
              ratePerSecond: background.ratePerSecond ?? null,
              eventsPerSecond: load.requestsPerSecond,
              accepted: load.ok,
            }
          : null,
      failed,
      lostBroadcast: sentAt.size,
      lostChange: visitorSentAt.size,
      broadcast: summarize(broadcastMs),
      databaseChange: summarize(changeMs),
    };
  } finally {
    await dashboard.close();
    await worker.stop();
  }
}
