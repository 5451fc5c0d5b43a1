/**
 * `pnpm --filter @sightline/bench bench`: the cross-cutting benchmarks, each writing
 * bench/results/system/<name>.json, then docs/benchmarks.md rendered from every area's results.
 *
 *   SIGHTLINE_BENCH_ONLY=ingest,sizes   run only these steps (development)
 *   SIGHTLINE_BENCH_QUICK=1             fewer/shorter runs (development; figures not for the docs)
 */
import { writeBenchmarksDoc } from './src/render.js';
import { writeSystemResult } from './src/results.js';
import { startDbStack, type DbStack } from './src/stack.js';
import { benchSizes } from './src/benchmarks/sizes.js';
import { benchColdStart } from './src/benchmarks/cold-start.js';
import { benchIngest } from './src/benchmarks/ingest.js';
import { ingestRows } from './src/benchmarks/ingest-table.js';
import { removeSharedBuild } from './src/worker-build.js';

// No network here: nothing may try to reach Cloudflare for request.cf or metrics.
process.env.CLOUDFLARE_CF_FETCH_ENABLED = 'false';
process.env.WRANGLER_SEND_METRICS = 'false';

const quick = process.env.SIGHTLINE_BENCH_QUICK === '1';
const only = process.env.SIGHTLINE_BENCH_ONLY?.split(',').map((s) => s.trim());
const log = (line: string) => process.stdout.write(line + '\n');

let stack: DbStack | undefined;
const dbStack = async (): Promise<DbStack> => (stack ??= await startDbStack());

const steps: [string, () => Promise<void>][] = [
  [
    'sizes',
    async () => {
      const r = await benchSizes();
      await writeSystemResult('sizes', {
        title: 'Sizes against budgets',
        method:
          'gzip level 9 of the build outputs: tracker dist files, `wrangler deploy --dry-run --outdir` of apps/ingest (all modules, no source maps), the JS that apps/dashboard/dist/index.html loads, and packages/postgrest/src bundled and minified by esbuild.',
        notes: [],
        ...r,
      });
    },
  ],
  [
    'cold-start',
    async () => {
      const r = await benchColdStart(await dbStack(), quick ? 2 : 5, log);
      await writeSystemResult('cold-start', {
        title: 'Cold start',
        method:
          'A new Miniflare instance (new workerd process, new isolate) per run, timed from construction to the end of the first response; the empty Worker is measured the same way in the same run. Median of the runs.',
        notes: [
          'Locally a cold start includes starting the workerd process; on Cloudflare the isolate starts in an already running process, so only the difference to the empty Worker (compile + evaluate the bundle) carries over.',
        ],
        ...r,
      });
    },
  ],
  [
    'ingest',
    async () => {
      const r = await benchIngest(
        await dbStack(),
        quick
          ? { connections: [10, 200], runs: 1, durationMs: 3_000 }
          : { connections: [10, 50, 200], runs: 3, durationMs: 6_000 },
        log,
      );
      await writeSystemResult('ingest', {
        title: 'Ingest throughput and latency',
        method: `${r.what}; ${r.runtime}. ${r.runsPerLevel} runs of ${r.secondsPerRun} s per level and target, interleaved; medians. ${r.rateLimits}.`,
        notes: [
          'Full pipeline: ingest Worker → SiteLive Durable Object (dedup, live state, outbox) → one ingest_batch RPC per flush to the devstack Postgres, which runs on the same 2 cores.',
          'Naive: a Worker that awaits one PostgREST upsert of the visitor row per event before answering (bench/workers/naive.js).',
        ],
        table: ingestRows(r),
        details: r,
      });
    },
  ],
];

const failures: string[] = [];
try {
  for (const [name, step] of steps) {
    if (only && !only.includes(name)) continue;
    log(`\n== ${name}`);
    const started = performance.now();
    try {
      await step();
      log(`== ${name} done in ${Math.round((performance.now() - started) / 1000)} s`);
    } catch (error) {
      failures.push(name);
      log(
        `== ${name} FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
    }
  }
} finally {
  await stack?.stop();
  await removeSharedBuild();
}
log(`\nwrote ${await writeBenchmarksDoc()}`);
if (failures.length) {
  log(`failed: ${failures.join(', ')}`);
  process.exitCode = 1;
}
