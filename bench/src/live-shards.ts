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
  accepted: number;
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

/** Events the site's shards accepted so far (their own counters). */
export async function acceptedBy(url: string, key: string, site: string): Promise<number> {
  return (await shardsOf(url, key, site)).reduce((n, s) => n + s.accepted, 0);
}

/**
 * Until every shard has flushed what it accepted (nothing pending, nothing in its outbox) and,
 * with `accepted`, until the shards have accepted at least that many events in all: a beacon's
 * events reach the object after its answer (the Worker's 10 ms window), so an empty buffer alone
 * may come before the last of them.
 */
export async function drained(url: string, key: string, site: string, accepted = 0): Promise<void> {
  await pollUntil(
    async () => {
      const shards = await shardsOf(url, key, site);
      return (
        shards.reduce((n, s) => n + s.accepted, 0) >= accepted &&
        shards.every((s) => s.pendingEvents + s.outboxEvents === 0)
      );
    },
    { timeoutMs: 30_000, intervalMs: 250, what: 'the live shards accepted and flushed' },
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
