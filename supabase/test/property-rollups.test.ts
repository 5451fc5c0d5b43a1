// Property rollups (migration 0018, schemas/38_property_rollups.sql): stats_properties reads
// per-day rollups for whole days without filters and the raw rows otherwise; both must equal
// the ground truth computed from the generated events (support/truth-conversions.ts). The
// site is created before its traffic, so ingest_batch keeps its rollups flush by flush (in a
// random order of flushes: events before their sessions, days out of order); a site that
// existed before the rollups is built by build_property_rollups; retention drops the raw rows
// of the days the rollups keep.
import type { Goal } from '@sightline/schema';
import type { PostgrestClient } from '@supabase/postgrest-js';
import { mulberry32 } from '@sightline/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rpc } from './support/rpc.js';
import { createSite, startTestStack, type TestStack } from './support/stack.js';
import { generateTraffic, toBatches, type Traffic } from './support/traffic.js';
import type { Filters } from './support/truth.js';
import { truthProperties } from './support/truth-conversions.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const TZ = 'Europe/Berlin';
const MIDNIGHT = Date.parse('2026-01-09T23:00:00Z');
const at = (ms: number) => new Date(ms);
const SITE = 'property-rollups';
const OLD_SITE = 'property-rollups-old';
/** Whole days (rollups), one whole day, hours only and whole days with a partial day (raw). */
const RANGES = {
  whole: { from: at(MIDNIGHT - DAY), to: at(MIDNIGHT + 2 * DAY) },
  day: { from: at(MIDNIGHT), to: at(MIDNIGHT + DAY) },
  all: { from: at(MIDNIGHT - 3 * DAY), to: at(MIDNIGHT + 3 * DAY) },
  hours: { from: at(MIDNIGHT - 5 * HOUR), to: at(MIDNIGHT + 31 * HOUR) },
  spanning: { from: at(MIDNIGHT - DAY), to: at(MIDNIGHT + DAY + 7 * HOUR) },
} as const;
type RangeName = keyof typeof RANGES;
const MATCHES = [{ event: 'purchase' }, { event: 'signup' }, { goal: 'Purchase' }] as const;

let t: TestStack;
let dashboard: PostgrestClient;
let data: Traffic;
let purchase: Goal;

const cents = (revenue: Record<string, number>) =>
  Object.fromEntries(Object.entries(revenue).map(([c, a]) => [c, Math.round(a * 100) / 100]));

async function properties(
  site: string,
  match: (typeof MATCHES)[number],
  r: { from: Date; to: Date },
  filters: Filters = {},
  limit = 1000,
) {
  const got = await rpc<Record<string, unknown>[]>(dashboard, 'stats_properties', {
    p_site: site,
    p_from: r.from.toISOString(),
    p_to: r.to.toISOString(),
    ...('event' in match ? { p_event: match.event } : { p_goal: purchase.id }),
    p_filters: filters,
    p_limit: limit,
  });
  return got.map((row) => ({ ...row, revenue: cents(row.revenue as Record<string, number>) }));
}

function truth(match: (typeof MATCHES)[number], r: { from: Date; to: Date }, f = {}, limit = 1000) {
  const m = 'event' in match ? match : { goal: purchase };
  return truthProperties(data, m, r.from, r.to, f, limit);
}

async function rollupRows(site: string): Promise<number> {
  const { rows } = await t.db.query<{ n: number }>(
    'select count(*)::int as n from public.property_daily where site_id = $1',
    [site],
  );
  return rows[0]!.n;
}

/** The same visits on each site (the seed decides them, not the site). */
const traffic = (siteId: string) =>
  generateTraffic({
    siteId,
    seed: 11,
    startMs: MIDNIGHT - 2 * DAY,
    spanMs: 4 * DAY,
    visitors: 40,
    sessions: 240,
  });

async function flush(site: string, seed: number) {
  const random = mulberry32(seed);
  const batches = toBatches(traffic(site), 20, site).sort(() => random() - 0.5);
  for (const batch of batches) await rpc(t.service, 'ingest_batch', { payload: batch });
}

beforeAll(async () => {
  t = await startTestStack();
  await createSite(t.db, { id: SITE, timezone: TZ });
  await createSite(t.db, { id: OLD_SITE, timezone: TZ });
  const { rows } = await t.db.query<Goal>(
    `insert into public.goals (site_id, name, event_name) values ($1, 'Purchase', 'purchase')
     returning id::int, name, event_name, page_path, prop_key, prop_value`,
    [SITE],
  );
  purchase = rows[0]!;
  data = traffic(SITE);
  await flush(SITE, 5);
  // A site from before the property rollups: no build, so flushes leave it alone.
  await t.db.query('delete from public.property_rollup_builds where site_id = $1', [OLD_SITE]);
  await flush(OLD_SITE, 9);
  dashboard = await t.dashboard([SITE, OLD_SITE]);
}, 120_000);

afterAll(async () => {
  await t?.stop();
});

describe('property rollups kept by ingest_batch, flushes out of order', () => {
  it('hold rows for the site created with them, none for a site from before', async () => {
    expect(await rollupRows(SITE)).toBeGreaterThan(0);
    expect(await rollupRows(OLD_SITE)).toBe(0);
  });

  it.each((Object.keys(RANGES) as RangeName[]).flatMap((r) => MATCHES.map((m) => [m, r] as const)))(
    'stats_properties of %j over %s equals the ground truth',
    async (match, r) => {
      const want = truth(match, RANGES[r]);
      expect(want.length).toBeGreaterThan(0);
      expect(await properties(SITE, match, RANGES[r])).toEqual(want);
      // The top values per key (ties ordered as the raw evaluation orders them).
      expect(await properties(SITE, match, RANGES[r], {}, 1)).toEqual(
        truth(match, RANGES[r], {}, 1),
      );
    },
  );

  it('counts an event a later flush repeats once', async () => {
    // The tracker may send an event again in another flush (a retry under another batch id):
    // event_log keeps one row, and so must the rollups.
    const again = toBatches(traffic(SITE), 20, `${SITE}-again`).filter((b) =>
      b.events.some((e) => e.type === 'custom' && e.props),
    );
    expect(again.length).toBeGreaterThan(2);
    for (const batch of again.slice(0, 3)) await rpc(t.service, 'ingest_batch', { payload: batch });
    for (const m of MATCHES)
      expect(await properties(SITE, m, RANGES.all)).toEqual(truth(m, RANGES.all));
  });

  it('filters and goals with a property condition are evaluated on the raw rows', async () => {
    const r = RANGES.whole;
    expect(await properties(SITE, { event: 'purchase' }, r, { country: 'DE' })).toEqual(
      truth({ event: 'purchase' }, r, { country: 'DE' }),
    );
    const { rows } = await t.db.query<Goal>(
      `insert into public.goals (site_id, name, event_name, prop_key, prop_value)
       values ($1, 'Pro', 'purchase', 'plan', 'pro')
       returning id::int, name, event_name, page_path, prop_key, prop_value`,
      [SITE],
    );
    const pro = rows[0]!;
    const got = await rpc<Record<string, unknown>[]>(dashboard, 'stats_properties', {
      p_site: SITE,
      p_from: r.from.toISOString(),
      p_to: r.to.toISOString(),
      p_goal: pro.id,
      p_limit: 1000,
    });
    const want = truthProperties(data, { goal: pro }, r.from, r.to, {}, 1000);
    expect(want.length).toBeGreaterThan(0);
    expect(got.map((x) => ({ ...x, revenue: cents(x.revenue as Record<string, number>) }))).toEqual(
      want,
    );
  });
});

describe('a site from before the property rollups', () => {
  it('is read from the raw rows until build_property_rollups builds it; the same answers', async () => {
    const r = RANGES.whole;
    expect(await properties(OLD_SITE, { event: 'purchase' }, r)).toEqual(
      truth({ event: 'purchase' }, r),
    );
    const { error } = await dashboard.rpc('build_property_rollups', { p_limit: 1 });
    expect(error?.code).toBe('42501');
    const run = await rpc<{ built: number; more: boolean }>(t.service, 'build_property_rollups', {
      p_limit: 100,
    });
    expect(run).toEqual({ built: 1, more: false });
    expect(await rollupRows(OLD_SITE)).toBeGreaterThan(0);
    // Built from the raw rows: the same rows as the site kept flush by flush.
    const { rows } = await t.db.query<{ n: number }>(
      `select count(*)::int as n from (
         (select event_name, key, value, day, events, revenue, new_visitors, returning_by_gap
          from public.property_daily where site_id = $1
          except all
          select event_name, key, value, day, events, revenue, new_visitors, returning_by_gap
          from public.property_daily where site_id = $2)
         union all
         (select event_name, key, value, day, events, revenue, new_visitors, returning_by_gap
          from public.property_daily where site_id = $2
          except all
          select event_name, key, value, day, events, revenue, new_visitors, returning_by_gap
          from public.property_daily where site_id = $1)) x`,
      [SITE, OLD_SITE],
    );
    expect(rows[0]!.n).toBe(0);
    for (const r2 of ['whole', 'all'] as const) {
      expect(await properties(OLD_SITE, { event: 'signup' }, RANGES[r2])).toEqual(
        truth({ event: 'signup' }, RANGES[r2]),
      );
    }
  });
});

describe('retention', () => {
  it('drops the raw rows and the per-visitor days; the rollups keep the whole days', async () => {
    const want = await properties(SITE, { event: 'purchase' }, RANGES.whole);
    expect(want.length).toBeGreaterThan(0);
    let more = true;
    while (more) {
      const result = await rpc<{ more: boolean }>(t.service, 'apply_retention', {
        p_now: new Date(MIDNIGHT + 800 * DAY).toISOString(),
      });
      more = result.more;
    }
    const { rows } = await t.db.query<{ n: number }>(
      `select (select count(*) from public.event_log where site_id = $1)
        + (select count(*) from public.property_visitor_days where site_id = $1) as n`,
      [SITE],
    );
    expect(Number(rows[0]!.n)).toBe(0);
    expect(await properties(SITE, { event: 'purchase' }, RANGES.whole)).toEqual(want);
  });
});
