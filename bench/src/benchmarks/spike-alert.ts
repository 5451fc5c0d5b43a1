/**
 * Spike alert latency: the beacon that makes a spike until the site's webhook receives the
 * alert. Each of `alerts` fresh sites gets a spike alert (2 visitors now; no e-mail) pointing at
 * a local webhook receiver (the ingest end-to-end tests' receiver, apps/ingest/test/node); a
 * first visitor's page view warms the site (its config with the alert, its SiteLive object) and
 * is counted, then a second visitor's page view is timed from just before its POST to the
 * receiver's arrival time. Idle, and again while other visitors' page views and heartbeats
 * arrive at a fixed rate on the demo site.
 */
import { pollUntil } from '@sightline/test-utils';
import { startWebhookReceiver } from '../../../apps/ingest/test/node/webhook-receiver.js';
import { startBackgroundLoad } from '../background-load.js';
import { batch, beaconHeaders, newVisit, pageview, uid } from '../beacons.js';
import { startIngestMiniflare } from '../ingest-worker.js';
import { acceptedBy } from '../live-shards.js';
import { summarize } from '../stats.js';
import type { DbStack } from '../stack.js';
import { UNLIMITED } from './ingest.js';

interface Hook {
  path: string;
  at: number;
}

/** The receiver's record for `path`, long-polled (its `/__received?wait=`). */
async function hookFor(receiver: string, path: string): Promise<Hook | undefined> {
  const query = new URLSearchParams({ path, wait: '30000' });
  const res = await fetch(`${receiver}/__received?${query.toString()}`);
  return ((await res.json()) as { received: Hook[] }).received[0];
}

export async function benchSpikeAlert(
  stack: DbStack,
  alerts: number,
  log: (s: string) => void,
  background?: { connections: number; ratePerSecond: number },
) {
  const receiver = await startWebhookReceiver();
  const worker = await startIngestMiniflare({
    supabaseUrl: stack.devstack.url,
    keys: stack.devstack,
    vars: UNLIMITED,
  });
  const load =
    background &&
    startBackgroundLoad({
      url: `${worker.url}/v1/events`,
      site: stack.site,
      visits: 2_000,
      headers: beaconHeaders(),
      ...background,
    });
  let stopped = false;
  const stopLoad = async () => {
    if (stopped || !load) return undefined;
    stopped = true;
    return load.stop();
  };
  const key = stack.devstack.secretKey;
  const latencies: number[] = [];
  let missed = 0;
  const post = async (site: string) => {
    const res = await fetch(`${worker.url}/v1/events`, {
      method: 'POST',
      headers: beaconHeaders(),
      body: JSON.stringify(batch(site, [pageview(newVisit())])),
    });
    await res.arrayBuffer();
    if (res.status !== 202) throw new Error(`beacon answered ${res.status}`);
  };
  try {
    for (let i = 0; i < alerts; i++) {
      const site = uid('spike');
      const path = `/hook/${site}`;
      await stack.db.query(
        `insert into public.sites (id, name, domains, timezone) values ($1, 'Spike bench', '{localhost}', 'UTC')`,
        [site],
      );
      await stack.db.query(
        `insert into public.spike_alerts (site_id, visitors_threshold, quiet_minutes, emails, webhook_url)
         values ($1, 2, 30, '{}', $2)`,
        [site, `${receiver.url}${path}`],
      );
      await post(site);
      await pollUntil(async () => (await acceptedBy(worker.url, key, site)) >= 1, {
        timeoutMs: 10_000,
        what: 'the first visitor counted',
      });
      const sentAt = Date.now();
      await post(site);
      const hook = await hookFor(receiver.url, path);
      if (hook) latencies.push(hook.at - sentAt);
      else missed += 1;
    }
    const achieved = await stopLoad();
    const summary = summarize(latencies);
    log(
      `  ${background ? `${background.ratePerSecond}/s of other traffic` : 'idle'}: beacon → webhook p50 ${summary.p50} ms, p95 ${summary.p95} ms, missed ${missed}`,
    );
    return {
      alerts,
      missed,
      background: background
        ? { ...background, eventsPerSecond: achieved?.requestsPerSecond ?? null }
        : null,
      latencyMs: summary,
    };
  } finally {
    await stopLoad().catch(() => undefined);
    await worker.stop();
    await receiver.close();
  }
}
