// Export speed: `exportSite` of a devstack site with 20 days of generated traffic, over 30 days
// (the baseline) and over a year (365 days), with the secret key as `sightline export` runs it.
// One request per report and day, one at a time, so time grows with the days. Median of `runs`.
//   pnpm --filter @sightline/database exec tsx bench/export.ts [runs]
import process from 'node:process';
import { exportSite } from '../src/export-site.js';
import { serviceTarget } from '../test/support/imports.js';
import { rpc } from '../test/support/rpc.js';
import { createSite, startTestStack } from '../test/support/stack.js';
import { generateTraffic, toBatches } from '../test/support/traffic.js';

const runs = Number(process.argv[2] ?? 3);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const t = await startTestStack();
try {
  await createSite(t.db, { id: 'bench-export', timezone: 'UTC' });
  const traffic = generateTraffic({
    siteId: 'bench-export',
    seed: 3,
    startMs: Date.parse('2025-06-01T00:00:00Z'),
    spanMs: 20 * 86_400_000,
    visitors: 100,
    sessions: 400,
  });
  for (const batch of toBatches(traffic, 200))
    await rpc(t.service, 'ingest_batch', { payload: batch });
  const time = async (from: string, to: string) => {
    const started = performance.now();
    const zip = exportSite(serviceTarget(t), { site: 'bench-export', timeZone: 'UTC', from, to });
    await new Response(zip).arrayBuffer();
    return performance.now() - started;
  };
  const month: number[] = [];
  const year: number[] = [];
  for (let i = 0; i < runs; i++) {
    month.push(await time('2025-06-01', '2025-06-30'));
    year.push(await time('2025-01-01', '2025-12-31'));
  }
  const m = median(month);
  const y = median(year);
  console.log(`30 days (baseline): ${Math.round(m)} ms, median of ${runs}`);
  console.log(`365 days: ${Math.round(y)} ms (${(y / m).toFixed(1)}× the baseline)`);
} finally {
  await t.stop();
}
