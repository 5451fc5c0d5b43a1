/**
 * Cold start: a fresh Miniflare instance (a new workerd process and a new isolate) until the
 * first response, for the ingest Worker and for an empty Worker in the same runtime. The
 * difference is what the ingest bundle itself costs to compile and evaluate; the first beacon
 * after that also pays the site lookup and the Durable Object's start.
 */
import { batch, beaconHeaders, newVisit, pageview } from '../beacons.js';
import { startBenchWorker } from '../bench-workers.js';
import { startIngestMiniflare, type WorkerHandle } from '../ingest-worker.js';
import { median, ratio, round } from '../stats.js';
import type { DbStack } from '../stack.js';

async function timed(start: () => Promise<WorkerHandle>, path: string) {
  const t0 = performance.now();
  const worker = await start();
  const ready = performance.now();
  const res = await fetch(worker.url + path);
  await res.arrayBuffer();
  const first = performance.now();
  return { worker, startMs: ready - t0, firstResponseMs: first - t0, requestMs: first - ready };
}

export async function benchColdStart(stack: DbStack, runs: number, log: (s: string) => void) {
  const { devstack, site } = stack;
  const samples = {
    ingest: [] as number[],
    empty: [] as number[],
    ingestReq: [] as number[],
    emptyReq: [] as number[],
    firstBeacon: [] as number[],
    warmBeacon: [] as number[],
  };
  for (let i = 0; i < runs; i++) {
    const empty = await timed(() => startBenchWorker('empty'), '/');
    samples.empty.push(empty.firstResponseMs);
    samples.emptyReq.push(empty.requestMs);
    await empty.worker.stop();

    const ingest = await timed(
      () =>
        startIngestMiniflare({
          supabaseUrl: devstack.url,
          keys: devstack,
        }),
      '/v1/health',
    );
    samples.ingest.push(ingest.firstResponseMs);
    samples.ingestReq.push(ingest.requestMs);
    const beacon = async () => {
      const t0 = performance.now();
      const res = await fetch(`${ingest.worker.url}/v1/events`, {
        method: 'POST',
        headers: beaconHeaders(),
        body: JSON.stringify(batch(site, [pageview(newVisit())])),
      });
      await res.arrayBuffer();
      if (res.status !== 202) throw new Error(`beacon answered ${res.status}`);
      return performance.now() - t0;
    };
    samples.firstBeacon.push(await beacon());
    samples.warmBeacon.push(await beacon());
    await ingest.worker.stop();
    log(
      `  run ${i + 1}: empty ${round(empty.firstResponseMs)} ms, ingest ${round(ingest.firstResponseMs)} ms (first request ${round(ingest.requestMs)} ms)`,
    );
  }
  const m = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)])) as Record<
    keyof typeof samples,
    number
  >;
  return {
    table: [
      {
        metric: 'fresh Worker (new workerd + isolate) to first response, ingest Worker',
        unit: 'ms',
        median: m.ingest,
        baseline: m.empty,
        baselineLabel: 'empty Worker',
        ratio: ratio(m.ingest, m.empty),
      },
      {
        metric: 'module compile + evaluation of the ingest bundle (difference to the empty Worker)',
        unit: 'ms',
        median: round(m.ingest - m.empty),
      },
      {
        metric: 'first request to a just-started isolate, GET /v1/health',
        unit: 'ms',
        median: m.ingestReq,
        baseline: m.emptyReq,
        baselineLabel: 'empty Worker',
        ratio: ratio(m.ingestReq, m.emptyReq),
      },
      {
        metric: 'first beacon on a fresh isolate (site lookup, Durable Object start)',
        unit: 'ms',
        median: m.firstBeacon,
        baseline: m.warmBeacon,
        baselineLabel: 'second beacon',
        ratio: ratio(m.firstBeacon, m.warmBeacon),
      },
    ],
    details: { runs, samples },
  };
}
