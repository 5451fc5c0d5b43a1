/**
 * The ingest benchmark: events/s and p50/p99 at 10 and 50 connections against the
 * built Worker in Miniflare (no wrangler logging), beside a minimal Hono route on the same
 * runtime; Postgres round trips per 1,000 events (RPCs counted at the Supabase recorder); the
 * deployed bundle's gzip size. Run `pnpm build && pnpm bench`; writes
 * bench/results/ingest/ingest-bench.json at the repository root.
 *
 * The load generator runs on the same 2-core machine as workerd, so absolute figures are a floor.
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { Log, LogLevel, Miniflare } from 'miniflare';
import { startRecorder } from '../test/node/supabase-recorder.js';
import { load, type LoadResult } from './load.js';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 8_000);
const EVENTS_PER_BATCH = 5;
const SITE = 'bench-site';
const COMPAT = '2026-04-20';
const CONNECTIONS = [10, 50];

let seq = 0;
const visitors = Array.from({ length: 2_000 }, (_, i) => ({
  visitor: `bench_visitor_${i.toString().padStart(6, '0')}`,
  session: `bench_session_${i.toString().padStart(6, '0')}`,
}));

/** A realistic beacon: one visitor's page view and heartbeats. */
function beacon(): string {
  const v = visitors[seq % visitors.length]!;
  const events = Array.from({ length: EVENTS_PER_BATCH }, (_, i) => {
    const id = `bench_evt_${(seq++).toString(36).padStart(8, '0')}`;
    const base = {
      id,
      ts: Date.now(),
      session: v.session,
      visitor: v.visitor,
      url: '/pricing',
      storage: true,
    };
    return i === 0
      ? { ...base, type: 'pageview', referrer: 'https://www.google.com/' }
      : { ...base, type: 'heartbeat', engagedMs: 15_000, scroll: 10 * i, interactions: 1 };
  });
  return JSON.stringify({ v: 1, site: SITE, events });
}

const HEADERS = {
  'content-type': 'text/plain;charset=UTF-8',
  origin: 'https://example.com',
  'user-agent':
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
};

async function bundleSize(): Promise<{
  files: Record<string, number>;
  rawBytes: number;
  gzipBytes: number;
}> {
  const dist = here('../dist/');
  const files: Record<string, number> = {};
  let rawBytes = 0;
  let gzipBytes = 0;
  for (const name of await readdir(dist)) {
    if (!name.endsWith('.js')) continue;
    const bytes = await readFile(dist + name);
    files[name] = bytes.byteLength;
    rawBytes += bytes.byteLength;
    gzipBytes += gzipSync(bytes, { level: 9 }).byteLength;
  }
  return { files, rawBytes, gzipBytes };
}

function ingestWorker(supabaseUrl: string): Miniflare {
  return new Miniflare({
    name: 'ingest',
    // Warnings only (the Worker logs failed flushes): full logging halves throughput.
    log: new Log(LogLevel.WARN),
    // No network here: use Miniflare's placeholder request.cf instead of fetching one.
    cf: false,
    modules: true,
    scriptPath: here('../dist/index.js'),
    modulesRules: [
      { type: 'Text', include: ['**/*sightline*.js'] },
      { type: 'ESModule', include: ['**/*.js'] },
    ],
    compatibilityDate: COMPAT,
    kvNamespaces: ['SITES_KV'],
    durableObjects: { SITE_LIVE_DO: 'SiteLive' },
    bindings: {
      ENVIRONMENT: 'production',
      SUPABASE_URL: supabaseUrl,
      STORE_RAW_EVENTS: 'false',
      // One load generator is one source: lift the per-source limit out of the way.
      RATE_LIMIT_IP_PER_MINUTE: '1000000000',
      RATE_LIMIT_SITE_PER_MINUTE: '1000000000',
      LIVE_WINDOW_SECONDS: '60',
      SUPABASE_SECRET_KEY: 'bench-key',
      IP_HASH_SALT: 'bench-salt',
    },
  });
}

async function baselineWorker(): Promise<Miniflare> {
  const out = await build({
    entryPoints: [here('./baseline-worker.ts')],
    bundle: true,
    format: 'esm',
    minify: true,
    write: false,
    platform: 'neutral',
  });
  return new Miniflare({
    name: 'baseline',
    modules: true,
    script: out.outputFiles[0]!.text,
    compatibilityDate: COMPAT,
  });
}

let acceptedEvents = 0;

type PhaseResult = LoadResult & { eventsPerS: number };

async function phase(mf: Miniflare, connections: number): Promise<PhaseResult> {
  const url = await mf.ready;
  // Warm-up: isolate start, site config cache, Durable Object start.
  const warm = await load(new URL('/v1/events', url).href, 2, 1_000, beacon, HEADERS);
  const result = await load(
    new URL('/v1/events', url).href,
    connections,
    DURATION_MS,
    beacon,
    HEADERS,
  );
  acceptedEvents +=
    ((warm.statuses['202'] ?? 0) + (result.statuses['202'] ?? 0)) * EVENTS_PER_BATCH;
  return { ...result, eventsPerS: result.requestsPerS * EVENTS_PER_BATCH };
}

async function main(): Promise<void> {
  const recorder = await startRecorder({
    record: false,
    sites: [
      {
        id: SITE,
        name: 'Bench',
        domains: ['example.com'],
        public_live: true,
        timezone: 'UTC',
        store_raw: false,
      },
    ],
  });
  const results: Record<string, unknown> = {};
  try {
    const ingest = ingestWorker(recorder.url);
    const ingestRuns: PhaseResult[] = [];
    for (const c of CONNECTIONS) ingestRuns.push(await phase(ingest, c));
    // Everything accepted must reach the recorder: wait for the last flushes.
    const accepted = acceptedEvents;
    const until = Date.now() + 30_000;
    while (recorder.state.eventsReceived < accepted && Date.now() < until)
      await new Promise((r) => setTimeout(r, 200));
    const delivered = recorder.state.eventsReceived;
    await ingest.dispose();

    const baseline = await baselineWorker();
    const baselineRuns: PhaseResult[] = [];
    for (const c of CONNECTIONS) baselineRuns.push(await phase(baseline, c));
    await baseline.dispose();

    results.machine = {
      cpus: cpus().length,
      // Other work on the machine during the run (the load generator shares it too).
      loadAverage1m: Number(loadavg()[0]!.toFixed(2)),
      node: process.version,
      durationMsPerPhase: DURATION_MS,
      eventsPerBatch: EVENTS_PER_BATCH,
    };
    results.ingest = ingestRuns;
    results.baselineHono = baselineRuns;
    results.ratio = CONNECTIONS.map((c, i) => ({
      connections: c,
      requestsPerS: Number(
        (ingestRuns[i]!.requestsPerS / baselineRuns[i]!.requestsPerS).toFixed(3),
      ),
      p50: Number((ingestRuns[i]!.p50Ms / baselineRuns[i]!.p50Ms).toFixed(2)),
      p99: Number((ingestRuns[i]!.p99Ms / baselineRuns[i]!.p99Ms).toFixed(2)),
    }));
    results.postgres = {
      eventsAccepted: accepted,
      eventsDelivered: delivered,
      rpcCalls: recorder.state.rpcCalls,
      rpcFailures: recorder.state.rpcFailures,
      roundTripsPer1000Events: Number(
        ((recorder.state.rpcCalls / Math.max(1, delivered)) * 1000).toFixed(2),
      ),
    };
    results.bundle = await bundleSize();
    results.at = new Date().toISOString();
  } finally {
    await recorder.close();
  }
  const dir = here('../../../bench/results/ingest/');
  await mkdir(dir, { recursive: true });
  await writeFile(dir + 'ingest-bench.json', JSON.stringify(results, null, 2) + '\n');
  console.log(JSON.stringify(results, null, 2));
}

await main();
