/**
 * Rate-limit accuracy under floods from many sources (target: within 0.3 % of the limit, never
 * above): one site's per-minute event limit shared by 400 sources, and 100 sources each against
 * the per-source limit. Each flood starts early in a one-minute window and fits in it.
 */
import { acceptedEvents, flood, siteFlood, sourceFlood, startOfWindowWithRoom } from '../flood.js';
import { startIngestMiniflare } from '../ingest-worker.js';
import { round } from '../stats.js';
import type { DbStack } from '../stack.js';
import type { Row } from '../results.js';

const SITE_LIMIT = 10_000;
const IP_LIMIT = 30;

export async function benchRateLimit(stack: DbStack, runs: number, log: (s: string) => void) {
  const worker = await startIngestMiniflare({
    supabaseUrl: stack.devstack.url,
    keys: stack.devstack,
    vars: {
      RATE_LIMIT_SITE_PER_MINUTE: String(SITE_LIMIT),
      RATE_LIMIT_IP_PER_MINUTE: String(IP_LIMIT),
    },
  });
  try {
    const siteRuns: number[] = [];
    const sourceRuns: number[] = [];
    for (let run = 0; run < runs; run++) {
      const site = `flood_${run}_${Date.now().toString(36)}`;
      await stack.db.query(
        `insert into public.sites (id, name, domains, timezone, store_raw) values ($1, 'Flood', '{example.com}', 'UTC', false)`,
        [site],
      );
      await flood(worker.url, site, [{ ip: '192.0.2.1', events: 1 }]); // cache the site config
      await startOfWindowWithRoom(45);
      const accepted = acceptedEvents(await flood(worker.url, site, siteFlood(12_000)));
      siteRuns.push(accepted);
      log(`  site flood ${run + 1}: ${accepted} of 12,000 events accepted, limit ${SITE_LIMIT}`);
      // A site of its own: the first flood used up the first site's budget for this window.
      const other = `${site}_b`;
      await stack.db.query(
        `insert into public.sites (id, name, domains, timezone, store_raw) values ($1, 'Flood', '{example.com}', 'UTC', false)`,
        [other],
      );
      await flood(worker.url, other, [{ ip: '192.0.2.3', events: 1 }]);
      await startOfWindowWithRoom(45);
      const perSource = acceptedEvents(await flood(worker.url, other, sourceFlood(100, 40)));
      sourceRuns.push(perSource);
      log(
        `  source flood ${run + 1}: ${perSource} of 4,000 beacons accepted, limit 100 × ${IP_LIMIT}`,
      );
    }
    const worst = (list: number[], limit: number) =>
      list.reduce((w, n) => (Math.abs(n - limit) > Math.abs(w - limit) ? n : w), list[0]!);
    const siteWorst = worst(siteRuns, SITE_LIMIT);
    const sourceWorst = worst(sourceRuns, 100 * IP_LIMIT);
    const within = (n: number, limit: number) => n <= limit && n >= limit * 0.997;
    const table: Row[] = [
      {
        metric: `per-site limit, 400 sources offering 12,000 events (worst of ${runs} runs)`,
        unit: 'events accepted',
        median: siteWorst,
        baseline: SITE_LIMIT,
        baselineLabel: 'configured limit',
        ratio: round(siteWorst / SITE_LIMIT, 4),
        target: 'within 0.3 %, never above',
        pass: siteRuns.every((n) => within(n, SITE_LIMIT)),
      },
      {
        metric: `per-source limit, 100 sources × 40 beacons (worst of ${runs} runs)`,
        unit: 'beacons accepted',
        median: sourceWorst,
        baseline: 100 * IP_LIMIT,
        baselineLabel: 'configured limit',
        ratio: round(sourceWorst / (100 * IP_LIMIT), 4),
        target: 'within 0.3 %, never above',
        pass: sourceRuns.every((n) => within(n, 100 * IP_LIMIT)),
      },
    ];
    return { table, details: { siteLimit: SITE_LIMIT, ipLimit: IP_LIMIT, siteRuns, sourceRuns } };
  } finally {
    await worker.stop();
  }
}
