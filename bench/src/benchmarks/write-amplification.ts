/**
 * Write amplification: what 1,000 events cost Postgres through the real path (ingest Worker →
 * SiteLive → ingest_batch via PostgREST) and through the naive Worker (one upsert per event).
 * - Round trips: HTTP calls to PostgREST counted at a proxy between the Worker and the devstack
 *   gateway (each call is one Postgres transaction), and the cluster's committed transactions
 *   (pg_stat_database.xact_commit), minus what the same idle interval commits anyway.
 * - Bytes written: WAL generated (pg_current_wal_lsn() before and after).
 */
import { beaconHeaders, trafficSource } from '../beacons.js';
import { startBenchWorker } from '../bench-workers.js';
import { startCountingProxy, type CountingProxy } from '../counting-proxy.js';
import { keyBindings, startIngestMiniflare, type WorkerHandle } from '../ingest-worker.js';
import { runLoad } from '../load.js';
import { median, ratio, round } from '../stats.js';
import { countRows, type DbStack } from '../stack.js';
import { pollUntil } from '@sightline/test-utils';
import { sleep } from '../wait.js';
import { UNLIMITED } from './ingest.js';

const EVENTS = 1_000;

interface Probe {
  lsn: string;
  xacts: number;
}

async function probe(stack: DbStack): Promise<Probe> {
  const { rows } = await stack.db.query<{ lsn: string; xacts: string }>(
    `select pg_current_wal_lsn()::text as lsn,
       (select sum(xact_commit) from pg_stat_database)::text as xacts`,
  );
  return { lsn: rows[0]!.lsn, xacts: Number(rows[0]!.xacts) };
}

async function delta(stack: DbStack, from: Probe) {
  const to = await probe(stack);
  const { rows } = await stack.db.query<{ bytes: string }>(
    `select pg_wal_lsn_diff($1::pg_lsn, $2::pg_lsn)::text as bytes`,
    [to.lsn, from.lsn],
  );
  // The probe queries themselves commit (stats are read in their own transactions).
  return { walBytes: Number(rows[0]!.bytes), xacts: to.xacts - from.xacts };
}

/** What the cluster commits on its own over `ms` (Realtime, PostgREST's pool, stats). */
async function idle(stack: DbStack, ms: number) {
  const from = await probe(stack);
  await sleep(ms);
  return delta(stack, from);
}

async function oneRun(
  stack: DbStack,
  proxy: CountingProxy,
  worker: WorkerHandle,
  table: string,
  landed: (accepted: number) => Promise<boolean>,
) {
  proxy.reset();
  const from = await probe(stack);
  const started = performance.now();
  const load = await runLoad({
    url: `${worker.url}/v1/events`,
    connections: 10,
    durationMs: 120_000,
    maxRequests: EVENTS,
    headers: beaconHeaders(),
    next: trafficSource(stack.site, 250),
  });
  // A rare socket reset loses a beacon on the client side: scale by what was accepted.
  if (load.ok < EVENTS * 0.99)
    throw new Error(`only ${load.ok} of ${EVENTS} beacons accepted: ${JSON.stringify(load)}`);
  await pollUntil(() => landed(load.ok), {
    timeoutMs: 60_000,
    // Every check is a transaction inside the measured window: checked every 100 ms, as the
    // published figures were measured.
    intervalMs: 100,
    what: `all ${table} writes in Postgres`,
  });
  const ms = performance.now() - started;
  const d = await delta(stack, from);
  const background = await idle(stack, Math.min(ms, 10_000));
  const scale = ms / Math.min(ms, 10_000);
  const per1000 = (n: number) => round((n * EVENTS) / load.ok);
  return {
    accepted: load.ok,
    clientErrors: load.errorMessages,
    ms: round(ms),
    restCalls: per1000(proxy.total('/rest/v1/')),
    ingestBatchCalls: per1000(proxy.total('/rest/v1/rpc/ingest_batch')),
    broadcasts: per1000(proxy.total('/realtime/v1/api/broadcast')),
    walBytes: per1000(d.walBytes),
    xacts: per1000(d.xacts),
    backgroundXacts: per1000(background.xacts * scale),
    backgroundWalBytes: per1000(background.walBytes * scale),
  };
}

export async function benchWriteAmplification(
  stack: DbStack,
  runs: number,
  log: (s: string) => void,
) {
  const proxy = await startCountingProxy(stack.devstack.url);
  const full = await startIngestMiniflare({
    supabaseUrl: proxy.url,
    keys: stack.devstack,
    vars: UNLIMITED,
  });
  const naive = await startBenchWorker('naive', {
    SUPABASE_URL: proxy.url,
    ...keyBindings(stack.devstack),
  });
  try {
    // Warm up: site config cached, the Durable Object running, PostgREST's pool open.
    await runLoad({
      url: `${full.url}/v1/events`,
      connections: 2,
      durationMs: 5_000,
      maxRequests: 20,
      headers: beaconHeaders(),
      next: trafficSource(stack.site),
    });
    await runLoad({
      url: `${naive.url}/v1/events`,
      connections: 2,
      durationMs: 5_000,
      maxRequests: 20,
      headers: beaconHeaders(),
      next: trafficSource(stack.site),
    });
    await sleep(2_000);
    const fullRuns: Awaited<ReturnType<typeof oneRun>>[] = [];
    const naiveRuns: Awaited<ReturnType<typeof oneRun>>[] = [];
    for (let i = 0; i < runs; i++) {
      const events0 = await countRows(stack.db, 'events', stack.site);
      const f = await oneRun(
        stack,
        proxy,
        full,
        'events',
        async (accepted) => (await countRows(stack.db, 'events', stack.site)) >= events0 + accepted,
      );
      fullRuns.push(f);
      log(`  full run ${i + 1}: ${JSON.stringify(f)}`);
      const n = await oneRun(stack, proxy, naive, 'visitors', (accepted) =>
        Promise.resolve(proxy.total('/rest/v1/visitors') >= accepted),
      );
      naiveRuns.push(n);
      log(`  naive run ${i + 1}: ${JSON.stringify(n)}`);
    }
    type Run = (typeof fullRuns)[number];
    type Figure = Exclude<keyof Run, 'clientErrors'>;
    const m = (list: Run[], k: Figure) => median(list.map((r) => r[k]));
    const fullTrips = m(fullRuns, 'restCalls');
    const naiveTrips = m(naiveRuns, 'restCalls');
    const fullXacts = median(fullRuns.map((r) => r.xacts - r.backgroundXacts));
    const naiveXacts = median(naiveRuns.map((r) => r.xacts - r.backgroundXacts));
    const fullWal = m(fullRuns, 'walBytes');
    const naiveWal = m(naiveRuns, 'walBytes');
    return {
      table: [
        {
          metric: 'PostgREST calls (Postgres round trips) per 1,000 events, real path',
          unit: 'calls',
          median: fullTrips,
          baseline: naiveTrips,
          baselineLabel: 'naive',
          ratio: ratio(fullTrips, naiveTrips),
          target: '≤ 5',
          pass: fullTrips <= 5,
        },
        {
          metric: 'of which ingest_batch RPCs',
          unit: 'calls',
          median: m(fullRuns, 'ingestBatchCalls'),
        },
        {
          metric: 'Postgres transactions committed per 1,000 events, net of idle background',
          unit: 'transactions',
          median: fullXacts,
          baseline: naiveXacts,
          baselineLabel: 'naive',
          ratio: ratio(fullXacts, naiveXacts),
        },
        {
          metric: 'WAL bytes per 1,000 events, real path (events + sessions + visitors + rollups)',
          unit: 'bytes',
          median: fullWal,
          baseline: naiveWal,
          baselineLabel: 'naive (visitor upsert only)',
          ratio: ratio(fullWal, naiveWal),
        },
        {
          metric: 'Realtime broadcasts per 1,000 events (HTTP, coalesced ≤ 20/s)',
          unit: 'calls',
          median: m(fullRuns, 'broadcasts'),
        },
      ],
      details: { events: EVENTS, fullRuns, naiveRuns, counts: Object.fromEntries(proxy.counts) },
    };
  } finally {
    await full.stop();
    await naive.stop();
    await proxy.close();
  }
}
