/**
 * The shape every system benchmark writes to bench/results/system/<name>.json: a table of
 * figures the renderer prints as is, and the raw details for anyone who wants to dig.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { machine, type Machine } from './machine.js';
import { resultsDir } from './paths.js';

export interface Row {
  metric: string;
  unit: string;
  median: number | string;
  p95?: number;
  p99?: number;
  /** A baseline measured in the same run, and what it is. */
  baseline?: number;
  baselineLabel?: string;
  /** median / baseline (or as stated in the metric). */
  ratio?: number;
  /** Human-readable target, e.g. "≤ 100 ms p95". */
  target?: string;
  pass?: boolean;
}

export interface SystemResult {
  benchmark: string;
  title: string;
  date: string;
  machine: Machine;
  command: string;
  method: string;
  notes: string[];
  table: Row[];
  details: unknown;
}

export const COMMAND = 'pnpm --filter @sightline/bench bench';

export async function writeSystemResult(
  name: string,
  result: Omit<SystemResult, 'date' | 'machine' | 'command' | 'benchmark'>,
): Promise<string> {
  const dir = join(resultsDir, 'system');
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${name}.json`);
  const full: SystemResult = {
    benchmark: name,
    date: new Date().toISOString(),
    machine: machine(),
    // The command that measures just this result.
    command: `SIGHTLINE_BENCH_ONLY=${name} ${COMMAND}`,
    ...result,
  };
  await writeFile(file, JSON.stringify(full, null, 2) + '\n');
  return file;
}
