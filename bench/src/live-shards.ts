/**
 * A site's live shards as the Worker's health route reports them (SiteLive's own counters and
 * its buffers), and the wait until they have flushed what they accepted: what a benchmark
 * polls instead of a fixed pause after its load.
 */
import { pollUntil } from '@sightline/test-utils';

/** SiteLive's own counters (in the object's memory: a restarted object starts them at 0). */
export interface ShardStats {
  calls: number;
  alarms: number;
  watches: number;
  points: number;
  pushes: number;
}

export interface Shard extends ShardStats {
  pendingEvents: number;
  outboxEvents: number;
}

/** `GET /v1/health/sites/:id` with the secret key. */
export async function shardsOf(url: string, key: string, site: string): Promise<Shard[]> {
  const res = await fetch(`${url}/v1/health/sites/${site}`, {
    headers: { authorization: `Bearer ${key}` },
  });
  if (!res.ok) throw new Error(`health answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { shards: Shard[] }).shards;
}

/** Until every shard has flushed what it accepted (nothing pending, nothing in its outbox). */
export async function drained(url: string, key: string, site: string): Promise<void> {
  await pollUntil(
    async () =>
      (await shardsOf(url, key, site)).every((s) => s.pendingEvents + s.outboxEvents === 0),
    { timeoutMs: 30_000, intervalMs: 250, what: 'the live shards flushed' },
  );
}

/** The site's shard counters summed. */
export async function siteStats(url: string, key: string, site: string): Promise<ShardStats> {
  const shards = await shardsOf(url, key, site);
  const sum = (k: keyof ShardStats) => shards.reduce((n, s) => n + s[k], 0);
  return {
    calls: sum('calls'),
    alarms: sum('alarms'),
    watches: sum('watches'),
    points: sum('points'),
    pushes: sum('pushes'),
  };
}
