/** The ingest benchmark's figures as rows of the results table. */
import type { Row } from '../results.js';
import type { benchIngest } from './ingest.js';

export function ingestRows(result: Awaited<ReturnType<typeof benchIngest>>): Row[] {
  return result.levels.flatMap((l): Row[] => [
    {
      metric: `events/s, full pipeline vs minimal Hono, ${l.connections} connections`,
      unit: 'events/s',
      median: l.full.eventsPerSecond,
      baseline: l.minimalHono.eventsPerSecond,
      baselineLabel: 'minimal Hono route',
      ratio: l.fullVsHono,
    },
    {
      metric: `events/s, full pipeline vs naive per-event upsert, ${l.connections} connections`,
      unit: 'events/s',
      median: l.full.eventsPerSecond,
      baseline: l.naivePerEventUpsert.eventsPerSecond,
      baselineLabel: 'naive upsert per event',
      ratio: l.fullVsNaive,
      target: '> 1 (better than naive)',
      pass: l.fullVsNaive > 1,
    },
    {
      metric: `latency p50, full pipeline, ${l.connections} connections`,
      unit: 'ms',
      median: l.full.p50Ms,
      p95: l.full.p95Ms,
      p99: l.full.p99Ms,
      baseline: l.minimalHono.p50Ms,
      baselineLabel: 'Hono p50',
      ratio: Math.round((l.full.p50Ms / l.minimalHono.p50Ms) * 100) / 100,
    },
    {
      metric: `latency p50, naive per-event upsert, ${l.connections} connections`,
      unit: 'ms',
      median: l.naivePerEventUpsert.p50Ms,
      p95: l.naivePerEventUpsert.p95Ms,
      p99: l.naivePerEventUpsert.p99Ms,
    },
    {
      metric: `non-2xx answers + errors, full pipeline, ${l.connections} connections`,
      unit: 'count',
      median: l.full.non2xx + l.full.errors,
      target: '0',
      pass: l.full.non2xx + l.full.errors === 0,
    },
  ]);
}
