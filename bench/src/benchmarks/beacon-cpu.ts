/**
 * Throughput and Worker CPU per beacon: the ingest Worker (its SiteLive object included: both
 * run in one workerd process) beside a bare Hono POST route on the same runtime, in the same
 * run, through `wrangler dev`'s proxy and straight to the worker (Miniflare). Tracker-shaped
 * beacons (wire v2, one event each, fresh event ids), closed loop at 10 and 50 connections,
 * runs interleaved across the four targets so drift on a shared machine hits all alike.
 * CPU: user + system time of the target's workerd process over the run, less what it uses idle
 * over the same time (measured just before), per answered beacon.
 */
import { acceptedBy, drained } from '../live-shards.js';
import { fromRoot } from '../paths.js';
import { startBenchWorker } from '../bench-workers.js';
import { keyBindings, startIngestMiniflare } from '../ingest-worker.js';
import { beaconHeaders } from '../beacons.js';
import { runLoad } from '../load.js';
import { cpuMs, withNewWorkerd, workerdPids } from '../process-cpu.js';
import { median, ratio, round } from '../stats.js';
import { trackerTraffic } from '../tracker-beacons.js';
import type { DbStack } from '../stack.js';
import { startWranglerDev } from '../wrangler-dev.js';
import { UNLIMITED } from './ingest.js';

export interface BeaconCpuOptions {
  connections: number[];
  runs: number;
  durationMs: number;
  /** Only Miniflare (no `wrangler dev` targets): quicker, for development. */
  directOnly?: boolean;
  /**
   * Also measure CPU per beacon at this fixed rate (open loop, every target the same): a closed
   * loop's rate differs per target, and the Worker's per-second work (flushes, alarms) is
   * spread over however many beacons a second brings.
   */
  ratePerSecond?: number;
  /**
   * Other builds of the ingest Worker (`wrangler deploy --dry-run` output directories) to run
   * beside it in Miniflare, by name: an earlier version, or a variant under test.
   */
  variants?: Record<string, string>;
}

type TargetName = string;

interface Target {
  name: TargetName;
  url: string;
  pids: number[];
  /**
   * What a target's objects have accepted so far, and the wait until they have accepted `total`
   * and flushed it (the work a run's beacons leave behind); nothing for a bare POST route.
   */
  settle?: { accepted(): Promise<number>; until(total: number): Promise<void> };
  stop(): Promise<void>;
}

/** Idle measurement before each run. */
const IDLE_MS = 2_000;

interface RunFigures {
  requestsPerSecond: number;
  cpuMsPerBeacon: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
}

async function startTargets(
  stack: DbStack,
  directOnly: boolean,
  variants: Record<string, string>,
): Promise<Target[]> {
  const targets: Target[] = [];
  const key = stack.devstack.secretKey;
  const settle = (url: string) => ({
    accepted: () => acceptedBy(url, key, stack.site),
    until: (total: number) => drained(url, key, stack.site, total),
  });
  for (const [name, buildDir] of Object.entries(variants)) {
    const v = await withNewWorkerd(() =>
      startIngestMiniflare({
        supabaseUrl: stack.devstack.url,
        keys: stack.devstack,
        vars: UNLIMITED,
        buildDir,
      }),
    );
    targets.push({
      name: `${name} (direct)`,
      url: v.value.url,
      pids: v.pids,
      settle: settle(v.value.url),
      stop: () => v.value.stop(),
    });
  }
  const direct = await withNewWorkerd(() =>
    startIngestMiniflare({
      supabaseUrl: stack.devstack.url,
      keys: stack.devstack,
      vars: UNLIMITED,
    }),
  );
  targets.push({
    name: 'sightline (direct)',
    url: direct.value.url,
    pids: direct.pids,
    settle: settle(direct.value.url),
    stop: () => direct.value.stop(),
  });
  const hono = await withNewWorkerd(() => startBenchWorker('minimal-hono'));
  targets.push({
    name: 'bare Hono (direct)',
    url: hono.value.url,
    pids: hono.pids,
    stop: () => hono.value.stop(),
  });
  if (directOnly) return targets;

  const vars = { ...UNLIMITED, SUPABASE_URL: stack.devstack.url, STORE_RAW_EVENTS: 'false' };
  const sightline = await startWranglerDev(
    fromRoot('apps/ingest'),
    ['--env', 'development', ...Object.entries(vars).flatMap(([k, v]) => ['--var', `${k}:${v}`])],
    { ...keyBindings(stack.devstack), IP_HASH_SALT: 'bench-salt' },
  );
  targets.push({
    name: 'sightline (wrangler dev)',
    url: sightline.url,
    pids: workerdPids(sightline.pid),
    settle: settle(sightline.url),
    stop: () => sightline.stop(),
  });
  const honoDev = await startWranglerDev(fromRoot('bench'), [
    fromRoot('bench/workers/minimal-hono.js'),
    '--name',
    'bench-minimal-hono',
    '--compatibility-date',
    '2026-04-20',
  ]);
  targets.push({
    name: 'bare Hono (wrangler dev)',
    url: honoDev.url,
    pids: workerdPids(honoDev.pid),
    stop: () => honoDev.stop(),
  });
  return targets;
}

async function run(
  target: Target,
  site: string,
  connections: number,
  durationMs: number,
  ratePerSecond?: number,
) {
  const next = trackerTraffic(site);
  const acceptedBefore = await target.settle?.accepted();
  // What the idle process uses (workerd's own timers and housekeeping), to subtract.
  const idleFrom = cpuMs(target.pids);
  await new Promise((r) => setTimeout(r, IDLE_MS));
  const idlePerMs = (cpuMs(target.pids) - idleFrom) / IDLE_MS;
  const before = cpuMs(target.pids);
  const started = performance.now();
  const result = await runLoad({
    url: `${target.url}/v1/events`,
    connections,
    durationMs,
    headers: beaconHeaders(),
    next,
    ...(ratePerSecond ? { ratePerSecond } : {}),
  });
  // The object keeps working after the last answer (its flush to Postgres): count it, then stop.
  // Each tracker beacon carries one event.
  if (target.settle) await target.settle.until((acceptedBefore ?? 0) + result.ok);
  const used = cpuMs(target.pids) - before - idlePerMs * (performance.now() - started);
  const figures: RunFigures = {
    requestsPerSecond: result.requestsPerSecond,
    cpuMsPerBeacon: round(used / Math.max(1, result.ok), 3),
    p50Ms: result.latencyMs.p50,
    p99Ms: result.latencyMs.p99,
    non2xx: Object.values(result.non2xx).reduce((a, b) => a + b, 0) + result.errors,
  };
  return figures;
}

export async function benchBeaconCpu(
  stack: DbStack,
  options: BeaconCpuOptions,
  log: (s: string) => void,
) {
  const targets = await startTargets(stack, options.directOnly ?? false, options.variants ?? {});
  try {
    for (const t of targets) {
      log(`  ${t.name}: workerd ${t.pids.join(',')}`);
      await run(t, stack.site, 4, 1_500); // warm: site config, the object, the PostgREST pool
    }
    const levels = [];
    const fixedRate: Record<string, RunFigures[]> = {};
    if (options.ratePerSecond) {
      for (let i = 0; i < options.runs; i++) {
        for (const t of targets) {
          const f = await run(t, stack.site, 10, options.durationMs, options.ratePerSecond);
          (fixedRate[t.name] ??= []).push(f);
          log(
            `  ${options.ratePerSecond}/s, ${t.name.padEnd(26)} run ${i + 1}: ${f.requestsPerSecond} req/s, ${f.cpuMsPerBeacon} CPU ms/beacon, failed ${f.non2xx}`,
          );
        }
      }
    }
    for (const connections of options.connections) {
      const runs = new Map<TargetName, RunFigures[]>(targets.map((t) => [t.name, []]));
      for (let i = 0; i < options.runs; i++) {
        for (const t of targets) {
          const f = await run(t, stack.site, connections, options.durationMs);
          runs.get(t.name)!.push(f);
          log(
            `  ${connections} conns, ${t.name.padEnd(26)} run ${i + 1}: ${f.requestsPerSecond} req/s, ${f.cpuMsPerBeacon} CPU ms/beacon, p50 ${f.p50Ms} p99 ${f.p99Ms} ms, failed ${f.non2xx}`,
          );
        }
      }
      const pick = (name: TargetName) => {
        const list = runs.get(name);
        if (!list?.length) return undefined;
        return {
          requestsPerSecond: median(list.map((r) => r.requestsPerSecond)),
          cpuMsPerBeacon: round(median(list.map((r) => r.cpuMsPerBeacon * 1000)) / 1000, 3),
          p50Ms: median(list.map((r) => r.p50Ms)),
          p99Ms: median(list.map((r) => r.p99Ms)),
          failed: list.reduce((n, r) => n + r.non2xx, 0),
          runs: list,
        };
      };
      const sd = pick('sightline (direct)')!;
      const hd = pick('bare Hono (direct)')!;
      const sw = pick('sightline (wrangler dev)');
      const hw = pick('bare Hono (wrangler dev)');
      levels.push({
        connections,
        variants: Object.fromEntries(
          Object.keys(options.variants ?? {}).map((name) => [name, pick(`${name} (direct)`)]),
        ),
        direct: {
          sightline: sd,
          hono: hd,
          rpsRatio: ratio(sd.requestsPerSecond, hd.requestsPerSecond),
          cpuRatio: ratio(sd.cpuMsPerBeacon, hd.cpuMsPerBeacon),
        },
        ...(sw && hw
          ? {
              wranglerDev: {
                sightline: sw,
                hono: hw,
                rpsRatio: ratio(sw.requestsPerSecond, hw.requestsPerSecond),
                cpuRatio: ratio(sw.cpuMsPerBeacon, hw.cpuMsPerBeacon),
              },
            }
          : {}),
      });
    }
    const atRate = Object.fromEntries(
      Object.entries(fixedRate).map(([name, list]) => [
        name,
        round(median(list.map((r) => r.cpuMsPerBeacon * 1000)) / 1000, 3),
      ]),
    );
    return {
      benchmark: 'beacon-cpu',
      ratePerSecond: options.ratePerSecond,
      cpuMsPerBeaconAtRate: atRate,
      what: 'POST /v1/events with tracker-shaped beacons (wire v2, one event each: page views, heartbeats, a final heartbeat per page load; fresh ids), closed loop, keep-alive, 127.0.0.1',
      runsPerLevel: options.runs,
      secondsPerRun: options.durationMs / 1000,
      levels,
    };
  } finally {
    for (const t of targets) await t.stop().catch(() => undefined);
  }
}
