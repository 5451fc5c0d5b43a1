/**
 * The benchmark's own small Workers (bench/workers), bundled with esbuild and run in the same
 * workerd/Miniflare as the ingest Worker so ratios compare like with like.
 */
import { build } from 'esbuild';
import { Log, LogLevel, Miniflare } from 'miniflare';
import { BENCH_CF, type WorkerHandle } from './ingest-worker.js';
import { fromRoot } from './paths.js';

export type BenchWorker = 'minimal-hono' | 'naive' | 'empty' | 'shard-driver';

/** The bundled ES module source of a bench worker. */
export async function bundle(name: string, entry?: string): Promise<string> {
  const result = await build({
    entryPoints: [entry ?? fromRoot(`bench/workers/${name}.js`)],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    minify: true,
    write: false,
    external: ['cloudflare:*'],
    mainFields: ['module', 'main'],
    conditions: ['workerd', 'worker', 'import'],
    logLevel: 'warning',
  });
  return result.outputFiles[0]!.text;
}

export async function startBenchWorker(
  name: BenchWorker,
  bindings: Record<string, string> = {},
): Promise<WorkerHandle> {
  // The empty Worker carries the ingest Worker's bindings: a cold-start baseline with the same
  // runtime services, so the difference is the bundle alone.
  const ingestLike =
    name === 'empty' || name === 'shard-driver'
      ? {
          kvNamespaces: ['SITES_KV'],
          durableObjects: { SITE_LIVE_DO: { className: 'SiteLive', useSQLite: true } },
          analyticsEngineDatasets: { EVENTS_AE: { dataset: 'sightline_events' } },
        }
      : {};
  const script = await bundle(name);
  const mf = new Miniflare({
    host: '127.0.0.1',
    port: 0,
    log: new Log(LogLevel.WARN),
    modules: [{ type: 'ESModule', path: 'index.js', contents: script }],
    compatibilityDate: '2026-04-20',
    cf: BENCH_CF,
    bindings,
    ...ingestLike,
  });
  const url = (await mf.ready).origin;
  return { url, mf, stop: () => mf.dispose() };
}
