/**
 * Postgres stopped for 60 s under steady load, then restarted: every event the Worker accepted
 * (202, logged by the sender) must be in Postgres exactly once afterwards, without anyone
 * stepping in (the SiteLive objects retry from their storage with back-off). Runs on a devstack
 * of its own, last, since it kills that stack's Postgres.
 */
import { beaconHeaders, trafficSource } from '../beacons.js';
import { startIngestMiniflare } from '../ingest-worker.js';
import { runLoad } from '../load.js';
import { postgresControl } from '../postgres-process.js';
import { round } from '../stats.js';
import { startDbStack } from '../stack.js';
import { pollUntil } from '@sightline/test-utils';
import { sleep } from '../wait.js';
import { UNLIMITED } from './ingest.js';

export async function benchPostgresOutage(downSeconds: number, log: (s: string) => void) {
  const stack = await startDbStack();
  const control = await postgresControl(stack.dataDir, stack.devstack.dbUrl);
  const worker = await startIngestMiniflare({
    supabaseUrl: stack.devstack.url,
    keys: stack.devstack,
    vars: UNLIMITED,
  });
  const accepted = new Set<string>();
  try {
    const next = trafficSource(stack.site, 500);
    // Steady load: one keep-alive connection, closed loop (as fast as the Worker answers).
    let phase = 'before';
    const phases: Record<string, number> = { before: 0, down: 0, after: 0 };
    const refused: Record<string, number> = {};
    let stop = false;
    const sender = (async () => {
      while (!stop) {
        const r = await runLoad({
          url: `${worker.url}/v1/events`,
          connections: 1,
          durationMs: 200,
          headers: beaconHeaders(),
          next,
          onAccepted: (ids) => {
            for (const id of ids) accepted.add(id);
            phases[phase] = (phases[phase] ?? 0) + ids.length;
          },
        });
        for (const [status, n] of Object.entries(r.non2xx))
          refused[`${phase} ${status}`] = (refused[`${phase} ${status}`] ?? 0) + n;
        if (r.errors) refused[`${phase} error`] = (refused[`${phase} error`] ?? 0) + r.errors;
        await sleep(20);
      }
    })();
    await sleep(10_000);
    phase = 'down';
    log(`  stopping Postgres for ${downSeconds} s (${accepted.size} events accepted so far)`);
    await control.stop();
    await sleep(downSeconds * 1000);
    await control.start();
    phase = 'after';
    log(`  Postgres back (${accepted.size} accepted so far)`);
    await sleep(10_000);
    stop = true;
    await sender;
    const upAgain = performance.now();
    log(`  ${accepted.size} accepted in total; waiting for all of them in Postgres`);
    const count = async () => {
      const { rows } = await stack.db.query<{ n: string }>(
        'select count(*) as n from public.events where site_id = $1',
        [stack.site],
      );
      return Number(rows[0]!.n);
    };
    // The stack's own connection died with the server: reconnect.
    await stack.db.end().catch(() => undefined);
    const pg = (await import('pg')).default;
    stack.db = new pg.Client({ connectionString: stack.devstack.dbUrl });
    stack.db.on('error', () => undefined);
    await stack.db.connect();
    let drained = true;
    try {
      await pollUntil(async () => (await count()) >= accepted.size, {
        timeoutMs: 180_000,
        what: 'every accepted event in Postgres',
      });
    } catch {
      drained = false;
    }
    const drainSeconds = round((performance.now() - upAgain) / 1000);
    const { rows } = await stack.db.query<{ id: string }>(
      'select id from public.events where site_id = $1',
      [stack.site],
    );
    const stored = rows.map((r) => r.id);
    const storedSet = new Set(stored);
    const missing = [...accepted].filter((id) => !storedSet.has(id)).length;
    const unexpected = stored.filter((id) => !accepted.has(id)).length;
    const duplicates = stored.length - storedSet.size;
    return {
      downSeconds,
      accepted: accepted.size,
      acceptedByPhase: phases,
      refusedByPhase: refused,
      stored: stored.length,
      missing,
      duplicates,
      unexpected,
      drained,
      secondsToDrainAfterLoadStopped: drainSeconds,
    };
  } finally {
    await worker.stop();
    await control.dispose();
    await stack.stop().catch(() => undefined);
  }
}
