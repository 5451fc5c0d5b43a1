/**
 * Memory bound: 1 M rows (a Plausible zip) and 1 M events (Umami), generated while they are
 * read, go through a Node process whose heap is capped at 64 MB. A reader that kept the input
 * or its rows would die of an out-of-memory error; the peaks are printed for the record.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const script = fileURLToPath(new URL('../bench/memory.ts', import.meta.url));

async function measure(kind: string, count: number) {
  const { stdout } = await run(
    process.execPath,
    ['--max-old-space-size=64', '--import', 'tsx', script, kind, String(count)],
    {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
    },
  );
  const result = JSON.parse(stdout.trim()) as {
    rows: number;
    records: number;
    peakHeapMB: number;
    peakRssMB: number;
  };
  console.log(JSON.stringify(result));
  return result;
}

describe('bounded memory', () => {
  it('streams 1 M Plausible rows with a 64 MB heap', async () => {
    const r = await measure('plausible', 1_000_000);
    expect(r.rows).toBe(1_000_000);
    expect(r.records).toBe(1_000_000);
    expect(r.peakHeapMB).toBeLessThan(64);
  }, 180_000);

  it('aggregates 1 M Umami events with a 64 MB heap', async () => {
    const r = await measure('umami', 1_000_000);
    expect(r.rows).toBe(1_000_000);
    expect(r.peakHeapMB).toBeLessThan(64);
  }, 180_000);
});
