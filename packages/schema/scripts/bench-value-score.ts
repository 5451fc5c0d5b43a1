/**
 * Measures the cost of one `scoreVisit` call (it runs in the Durable Object on every
 * fifth heartbeat). Scores a rotating set of realistic visits, takes the median ns/call over
 * several runs, and writes bench/results/value-score/score-cost.json. Both wall-clock and
 * process CPU time are reported: on a shared, loaded machine the wall clock also counts time
 * spent waiting for a core, the CPU time does not.
 *
 *   pnpm exec tsx packages/schema/scripts/bench-value-score.ts [--runs 11] [--calls 100000]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { defaultValueModel, scoreVisit, type VisitFeatures } from '../src/value-score/index.js';
import { runCli } from './lib/cli.js';
import { mulberry32 } from './lib/folds.js';
import { resultsDir } from './lib/paths.js';

function visits(count: number): VisitFeatures[] {
  const random = mulberry32(7);
  const sources = ['search', 'social', 'email', 'direct', 'other'] as const;
  return Array.from({ length: count }, () => {
    const product = Math.floor(random() * 30);
    const admin = Math.floor(random() * 4);
    return {
      pageviews: product + admin,
      engagedMs: Math.floor(random() * 1_800_000),
      pagesByGroup:
        random() < 0.5
          ? {
              productrelated: { views: product, engagedMs: Math.floor(random() * 1_500_000) },
              administrative: { views: admin, engagedMs: Math.floor(random() * 200_000) },
            }
          : undefined,
      returning: random() < 0.8,
      sourceClass: sources[Math.floor(random() * sources.length)],
      device: random() < 0.6 ? 'mobile' : 'desktop',
      weekend: random() < 0.25,
      month: 1 + Math.floor(random() * 12),
    };
  });
}

runCli(() => {
  const { values } = parseArgs({
    options: { runs: { type: 'string' }, calls: { type: 'string' } },
  });
  const runs = Number(values.runs ?? 11);
  const calls = Number(values.calls ?? 100_000);
  const sample = visits(1024);
  let sink = 0;
  for (let i = 0; i < 50_000; i++) sink += scoreVisit(sample[i & 1023]!); // warm the JIT
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < runs; r++) {
    const startCpu = process.cpuUsage();
    const start = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) sink += scoreVisit(sample[i & 1023]!);
    wall.push(Number(process.hrtime.bigint() - start) / calls);
    const used = process.cpuUsage(startCpu);
    cpu.push(((used.user + used.system) * 1000) / calls);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const result = {
    what: 'scoreVisit(features) with the shipped model, ns per call',
    model: (defaultValueModel.meta?.candidate as string | undefined) ?? defaultValueModel.kind,
    medianCpuNsPerCall: Math.round(median(cpu)),
    medianWallNsPerCall: Math.round(median(wall)),
    minWallNsPerCall: Math.round(Math.min(...wall)),
    maxWallNsPerCall: Math.round(Math.max(...wall)),
    loadAverage1m: loadavg()[0],
    runs,
    callsPerRun: calls,
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cpus: cpus().length,
    measuredAt: new Date().toISOString(),
    checksum: sink,
  };
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(`${resultsDir}/score-cost.json`, `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result));
});
