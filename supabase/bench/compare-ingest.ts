// ingest_batch before and after in one run (compare-conversions.sh): 500-event flushes of fresh
// traffic on top of the largest bench site's history, sent alternately to bench_old.ingest_batch
// (the old revision's function, which the script installed) and to public.ingest_batch, over
// one direct connection, so that both see the same load and the same history. The site gets two
// goals its fresh traffic completes (a purchase event, the product pages) for the run, besides
// the bench's own, so that the goal rollups' step has work in every flush; creating them
// rebuilds their rollups over the whole history, timed too. They are deleted at the end.
//
//   pnpm exec tsx bench/compare-ingest.ts <db url> [flushes per version, default 20]
import { percentile } from '@sightline/test-utils';
import pg from 'pg';
import { generateTraffic, toBatches } from '../test/support/traffic.js';

const [url, runsArg] = process.argv.slice(2);
if (!url) throw new Error('usage: compare-ingest.ts <db url> [flushes per version]');
const RUNS = Number(runsArg ?? 20);

const db = new pg.Client({ connectionString: url });
await db.connect();
const { rows: sites } = await db.query<{ id: string }>(
  `select id from public.sites where id ~ '^bench\\d+$' order by length(id) desc, id desc limit 1`,
);
const site = sites[0]!.id;

const started = performance.now();
const { rows: added } = await db.query<{ id: string }>(
  `insert into public.goals (site_id, name, event_name, page_path)
   values ($1, 'Live purchase', 'purchase', null), ($1, 'Live products', null, '/products/**')
   returning id::text`,
  [site],
);
const rebuildMs = Math.round(performance.now() - started);

const run = Date.now();
const traffic = generateTraffic({
  siteId: site,
  idPrefix: `cmp-${run}`,
  seed: 11,
  startMs: run - 600_000,
  spanMs: 600_000,
  visitors: 2_000,
  sessions: 4_000,
});
const batches = toBatches(traffic, 500, `cmp-${run}`);
const samples: Record<'old' | 'new', number[]> = { old: [], new: [] };
for (let i = 0; i < Math.min(2 * RUNS + 4, batches.length); i++) {
  const version = i % 2 === 0 ? 'old' : 'new';
  const fn = version === 'old' ? 'bench_old.ingest_batch' : 'public.ingest_batch';
  const t0 = performance.now();
  await db.query(`select ${fn}($1::jsonb)`, [JSON.stringify(batches[i])]);
  // The first two of each warm caches.
  if (i >= 4) samples[version].push(performance.now() - t0);
}
const { rows: converted } = await db.query<{ n: string }>(
  `select count(*)::text as n from public.goal_sessions
   where goal_id = any ($1::bigint[]) and session_id like $2`,
  [added.map((g) => g.id), `cmp-${run}%`],
);
await db.query('delete from public.goals where id = any ($1::bigint[])', [added.map((g) => g.id)]);
await db.end();

const at = (xs: number[], p: number) =>
  Math.round(
    percentile(
      [...xs].sort((a, b) => a - b),
      p,
    ) * 10,
  ) / 10;
process.stdout.write(
  `${site}: two goals created (rollups rebuilt over the history) in ${rebuildMs} ms\n` +
    `ingest_batch, 500 events (${batches[4]!.sessions.length} sessions), ${samples.old.length} flushes each, ` +
    `${converted[0]!.n} converting sessions written:\n` +
    `  before  p50 ${at(samples.old, 50)} ms  p95 ${at(samples.old, 95)} ms\n` +
    `  after   p50 ${at(samples.new, 50)} ms  p95 ${at(samples.new, 95)} ms\n`,
);
