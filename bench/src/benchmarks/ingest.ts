/**
 * Ingest throughput and latency at 10, 50 and 200 connections: the full pipeline (ingest Worker
 * → SiteLive DO → Postgres via the devstack), beside a minimal Hono route in the same runtime and
 * a naive Worker that upserts to Postgres once per event. Runs are interleaved (full, Hono,
 * naive, full, …) so that drift on a shared machine hits all three alike; medians are reported.
 */
import { trafficSource, beaconHeaders } from '../beacons.js';
import { startBenchWorker } from '../bench-workers.js';
import { keyBindings, startIngestMiniflare, type WorkerHandle } from '../ingest-worker.js';
import { runLoad, type LoadResult } from '../load.js';
import { median, ratio } from '../stats.js';
import type { DbStack } from '../stack.js';

/** Raised so the throughput runs measure the pipeline, not the per-source and per-site limits. */
export const UNLIMITED = {
  RATE_LIMIT_IP_PER_MINUTE: '1000000000',
  RATE_LIMIT_SITE_PER_MINUTE: '1000000000',
};

export interface IngestOptions {
  connections: number[];
  runs: number;
  durationMs: number;
}

type Target = 'full' | 'hono' | 'naive';

export async function benchIngest(
  stack: DbStack,
  options: IngestOptions,
  log: (s: string) => void,
) {
  const { devstack, site } = stack;
  const workers: Record<Target, WorkerHandle> = {
    full: await startIngestMiniflare({
      supabaseUrl: devstack.url,
      keys: devstack,
      vars: UNLIMITED,
    }),
    hono: await startBenchWorker('minimal-hono'),
    naive: await startBenchWorker('naive', {
      SUPABASE_URL: devstack.url,
      ...keyBindings(devstack),
    }),
  };
  try {
    const next = trafficSource(site);
    const headers = beaconHeaders();
    // Warm every isolate (site config cache, DO instantiation, PostgREST pool).
    for (const target of Object.keys(workers) as Target[])
      await runLoad({
        url: `${workers[target].url}/v1/events`,
        connections: 4,
        durationMs: 1_000,
        headers,
        next,
      });

    const levels = [];
    for (const connections of options.connections) {
      const runs: Record<Target, LoadResult[]> = { full: [], hono: [], naive: [] };
      for (let run = 0; run < options.runs; run++) {
        for (const target of Object.keys(workers) as Target[]) {
          const result = await runLoad({
            url: `${workers[target].url}/v1/events`,
            connections,
            durationMs: options.durationMs,
            headers,
            next,
          });
          runs[target].push(result);
          log(
            `  ${connections} conns, ${target.padEnd(5)} run ${run + 1}: ${result.requestsPerSecond} ev/s, p50 ${result.latencyMs.p50} p99 ${result.latencyMs.p99} ms, non-2xx ${JSON.stringify(result.non2xx)}, errors ${result.errors}`,
          );
        }
      }
      const pick = (target: Target) => ({
        eventsPerSecond: median(runs[target].map((r) => r.requestsPerSecond)),
        p50Ms: median(runs[target].map((r) => r.latencyMs.p50)),
        p95Ms: median(runs[target].map((r) => r.latencyMs.p95)),
        p99Ms: median(runs[target].map((r) => r.latencyMs.p99)),
        non2xx: runs[target].reduce(
          (n, r) => n + Object.values(r.non2xx).reduce((a, b) => a + b, 0),
          0,
        ),
        errors: runs[target].reduce((n, r) => n + r.errors, 0),
        runs: runs[target].map((r) => r.requestsPerSecond),
      });
      const full = pick('full');
      const hono = pick('hono');
      const naive = pick('naive');
      levels.push({
        connections,
        full,
        minimalHono: hono,
        naivePerEventUpsert: naive,
        fullVsHono: ratio(full.eventsPerSecond, hono.eventsPerSecond),
        fullVsNaive: ratio(full.eventsPerSecond, naive.eventsPerSecond),
      });
    }
    return {
      benchmark: 'ingest',
      what: 'POST /v1/events, one event per beacon (page views and heartbeats over 5,000 visitors), closed loop, keep-alive, 127.0.0.1',
      runtime: 'workerd via Miniflare (the wrangler build of apps/ingest), log level warn',
      runsPerLevel: options.runs,
      secondsPerRun: options.durationMs / 1000,
      rateLimits: 'raised to 1e9/min for these runs (their cost is still paid per request)',
      levels,
    };
  } finally {
    for (const w of Object.values(workers)) await w.stop().catch(() => undefined);
  }
}
