/**
 * The events per second one SiteLive shard (one Durable Object) sustains here, driven directly by
 * bench/workers/shard-driver.js with the object flushing to the real devstack Postgres and
 * pushing to the real Realtime: the per-object ceiling that docs/scaling.md multiplies out.
 */
import { startBenchWorker } from '../bench-workers.js';
import { keyBindings } from '../ingest-worker.js';
import { median, round } from '../stats.js';
import { countRows, type DbStack } from '../stack.js';
import { pollUntil } from '@sightline/test-utils';

interface Stats {
  accepted: number;
  flushes: number;
  flushFailures: number;
  pushes: number;
  pendingEvents: number;
  outboxBatches: number;
}

export async function benchShard(
  stack: DbStack,
  options: { events: number; runs: number; batches: number[] },
  log: (s: string) => void,
) {
  const driver = await startBenchWorker('shard-driver', {
    SUPABASE_URL: stack.devstack.url,
    ...keyBindings(stack.devstack),
    LIVE_WINDOW_SECONDS: '60',
  });
  const site = 'shard-bench';
  await stack.db.query(
    `insert into public.sites (id, name, domains, timezone, store_raw) values ($1, 'Shard bench', '{localhost}', 'Europe/Berlin', true) on conflict do nothing`,
    [site],
  );
  // A connection reset by the local runtime (see the hostile test) is retried: reads only.
  const stats = async (): Promise<Stats> => {
    for (let attempt = 0; ; attempt++) {
      try {
        return (await (await fetch(`${driver.url}/stats?site=${site}`)).json()) as Stats;
      } catch (error) {
        if (attempt === 3) throw error;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  };
  try {
    await fetch(`${driver.url}/drive?site=${site}&events=500&batch=5`).then((r) => r.text());
    const levels = [];
    for (const batch of options.batches) {
      const rates: number[] = [];
      for (let run = 0; run < options.runs; run++) {
        const before = await stats();
        const t0 = performance.now();
        const res = await fetch(
          `${driver.url}/drive?site=${site}&events=${options.events}&batch=${batch}&concurrency=16&visitors=2000`,
          { method: 'POST' },
        );
        if (!res.ok) throw new Error(`driver answered ${res.status}: ${await res.text()}`);
        await res.arrayBuffer();
        const seconds = (performance.now() - t0) / 1000;
        const after = await stats();
        const rate = round((after.accepted - before.accepted) / seconds);
        rates.push(rate);
        log(
          `  batch ${batch}, run ${run + 1}: ${rate} events/s (${after.flushes - before.flushes} flushes, ${after.pushes - before.pushes} pushes)`,
        );
      }
      levels.push({ eventsPerCall: batch, eventsPerSecond: median(rates), runs: rates });
    }
    // Everything accepted reaches Postgres (the flush keeps up or catches up).
    const final = await pollUntil(
      async () => {
        const s = await stats();
        return s.pendingEvents === 0 && s.outboxBatches === 0 ? s : null;
      },
      { timeoutMs: 120_000, what: 'the shard drained to Postgres' },
    );
    const rows = await countRows(stack.db, 'events', site);
    return { site, eventsPerRun: options.events, levels, final, rowsInPostgres: rows };
  } finally {
    await driver.stop();
  }
}
