// Goal rollups (migration 0015, schemas/38_goal_rollups.sql): the goal reports read per-day
// rollups for whole days and evaluate the goal on the raw rows otherwise; both must equal the
// ground truth computed from the generated events (support/truth-conversions.ts). Here the
// goals exist before the traffic, so ingest_batch keeps their rollups flush by flush (in a
// random order of flushes); then goals are created after their events, edited and deleted,
// and retention drops the raw rows of the days the rollups keep.
import type { Goal } from '@sightline/schema';
import type { PostgrestClient } from '@supabase/postgrest-js';
import { mulberry32 } from '@sightline/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rpc } from './support/rpc.js';
import { createSite, startTestStack, type TestStack } from './support/stack.js';
import { generateTraffic, toBatches, type Traffic } from './support/traffic.js';
import type { Filters } from './support/truth.js';
import { truthGoalBreakdown, truthGoals } from './support/truth-conversions.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const TZ = 'Europe/Berlin';
const MIDNIGHT = Date.parse('2026-01-09T23:00:00Z');
const at = (ms: number) => new Date(ms);
const SITE = 'goal-rollups';
/** Whole days, hours only, and whole days with a partial day after them. */
const WHOLE = { from: at(MIDNIGHT - DAY), to: at(MIDNIGHT + 2 * DAY) };
const HOURS = { from: at(MIDNIGHT - 5 * HOUR), to: at(MIDNIGHT + 31 * HOUR) };
const SPANNING = { from: at(MIDNIGHT - DAY), to: at(MIDNIGHT + DAY + 7 * HOUR) };
const RANGES = { whole: WHOLE, hours: HOURS, spanning: SPANNING } as const;

/** A goal to define: its name and one of event_name (maybe with a property) or page_path. */
type GoalDef = Partial<Omit<Goal, 'id' | 'name'>> & { name: string };
const BEFORE: GoalDef[] = [
  { name: 'Purchase', event_name: 'purchase' },
  { name: 'Pro purchase', event_name: 'purchase', prop_key: 'plan', prop_value: 'pro' },
  { name: 'Checkout done', page_path: '/checkout/*/done' },
  { name: 'Any product', page_path: '/products/**' },
];

let t: TestStack;
let dashboard: PostgrestClient;
let data: Traffic;

async function addGoal(g: GoalDef): Promise<Goal> {
  const { rows } = await t.db.query<Goal>(
    `insert into public.goals (site_id, name, event_name, page_path, prop_key, prop_value)
     values ($1, $2, $3, $4, $5, $6)
     returning id::int, name, event_name, page_path, prop_key, prop_value`,
    [
      SITE,
      g.name,
      g.event_name ?? null,
      g.page_path ?? null,
      g.prop_key ?? null,
      g.prop_value ?? null,
    ],
  );
  return rows[0]!;
}

async function siteGoals(): Promise<Goal[]> {
  const { rows } = await t.db.query<Goal>(
    `select id::int, name, event_name, page_path, prop_key, prop_value from public.goals
     where site_id = $1 order by name, id`,
    [SITE],
  );
  return rows;
}

const cents = (revenue: Record<string, number>) =>
  Object.fromEntries(Object.entries(revenue).map(([c, a]) => [c, Math.round(a * 100) / 100]));

async function goalsReport(r: { from: Date; to: Date }, filters: Filters = {}) {
  const got = await rpc<Record<string, unknown>[]>(dashboard, 'stats_goals', {
    p_site: SITE,
    p_from: r.from.toISOString(),
    p_to: r.to.toISOString(),
    p_filters: filters,
  });
  return got.map((g) => ({
    goal_id: Number(g.goal_id),
    visitors: g.visitors,
    conversions: g.conversions,
    conversion_rate: Number((g.conversion_rate as number).toFixed(9)),
    revenue: cents(g.revenue as Record<string, number>),
  }));
}

async function expectGoalsTruth(r: { from: Date; to: Date }, filters: Filters = {}) {
  const want = truthGoals(data, await siteGoals(), r.from, r.to, filters);
  expect(want.some((w) => w.visitors > 0)).toBe(true);
  expect(await goalsReport(r, filters)).toEqual(
    want.map((w) => ({ ...w, conversion_rate: Number(w.conversion_rate.toFixed(9)) })),
  );
}

async function breakdown(goal: Goal, dimension: string, r: { from: Date; to: Date }, f: Filters) {
  const got = await rpc<Record<string, unknown>[]>(dashboard, 'stats_goal_breakdown', {
    p_site: SITE,
    p_goal: goal.id,
    p_dimension: dimension,
    p_from: r.from.toISOString(),
    p_to: r.to.toISOString(),
    p_filters: f,
    p_limit: 1000,
  });
  return got.map((row) => ({ ...row, revenue: cents(row.revenue as Record<string, number>) }));
}

/** The goal's rollup rows of the site total (what stats_goals reads for whole days). */
async function rollupDays(goal: Goal): Promise<number> {
  const { rows } = await t.db.query<{ n: number }>(
    `select count(*)::int as n from public.goal_daily where goal_id = $1 and dimension = ''`,
    [goal.id],
  );
  return rows[0]!.n;
}

beforeAll(async () => {
  t = await startTestStack();
  await createSite(t.db, { id: SITE, timezone: TZ });
  for (const g of BEFORE) await addGoal(g);
  data = generateTraffic({
    siteId: SITE,
    seed: 7,
    startMs: MIDNIGHT - 2 * DAY,
    spanMs: 4 * DAY,
    visitors: 40,
    sessions: 240,
  });
  // Flushes in a random order: sessions stored after their events, pages and events of a
  // session over several flushes, days out of order.
  const random = mulberry32(5);
  const batches = toBatches(data, 20, SITE).sort(() => random() - 0.5);
  for (const batch of batches) await rpc(t.service, 'ingest_batch', { payload: batch });
  dashboard = await t.dashboard([SITE]);
}, 120_000);

afterAll(async () => {
  await t?.stop();
});

describe('goal rollups kept by ingest_batch, flushes out of order', () => {
  it('hold rows for the goals defined before the traffic', async () => {
    for (const g of await siteGoals()) {
      if (g.name !== 'Pro purchase') expect(await rollupDays(g)).toBeGreaterThan(0);
    }
  });

  it.each(
    (Object.keys(RANGES) as (keyof typeof RANGES)[]).flatMap((r) =>
      ([{}, { country: 'DE' }, { device: 'desktop' }, { page: '/' }] as Filters[]).map(
        (f) => [r, f] as const,
      ),
    ),
  )('stats_goals over %s with %j equals the ground truth', async (r, filters) => {
    await expectGoalsTruth(RANGES[r], filters);
  });

  it.each(
    (
      ['country', 'referrer_class', 'exit_page', 'browser', 'utm_source', 'page', 'event'] as const
    ).flatMap((d) =>
      (['whole', 'spanning'] as const).flatMap((r) =>
        (['Purchase', 'Checkout done'] as const).map((g) => [g, d, r] as const),
      ),
    ),
  )('stats_goal_breakdown of %s by %s over %s equals the ground truth', async (g, d, r) => {
    const goal = (await siteGoals()).find((x) => x.name === g)!;
    const want = truthGoalBreakdown(data, goal, d, RANGES[r].from, RANGES[r].to, {});
    expect(want.length).toBeGreaterThan(0);
    expect(await breakdown(goal, d, RANGES[r], {})).toEqual(want);
    // Filtered by its own dimension: that value only.
    const one: Filters = { [d]: want[0]!.value };
    expect(await breakdown(goal, d, RANGES[r], one)).toEqual(
      truthGoalBreakdown(data, goal, d, RANGES[r].from, RANGES[r].to, one),
    );
  });
});

describe('goal definitions change', () => {
  it('a goal created after its events is built from the raw rows', async () => {
    const goal = await addGoal({ name: 'Signup', event_name: 'signup' });
    expect(await rollupDays(goal)).toBeGreaterThan(0);
    await expectGoalsTruth(WHOLE);
    await expectGoalsTruth(SPANNING, { country: 'DE' });
  });

  it('a goal with many raw rows is built later, by build_goal_rollups; exact meanwhile', async () => {
    // Above the limit of rows built inside the write (0 here): the write only defines it.
    await t.db.query('set sightline.goal_build_sync_rows = 0');
    const goal = await addGoal({ name: 'Large', event_name: 'add_to_cart' });
    await t.db.query('reset sightline.goal_build_sync_rows');
    expect(await rollupDays(goal)).toBe(0);
    await expectGoalsTruth(WHOLE);
    await expectGoalsTruth(WHOLE, { country: 'DE' });
    const run = await rpc<{ built: number; more: boolean }>(t.service, 'build_goal_rollups', {
      p_limit: 100,
    });
    expect(run).toEqual({ built: 1, more: false });
    expect(await rollupDays(goal)).toBeGreaterThan(0);
    await expectGoalsTruth(WHOLE);
    await expectGoalsTruth(WHOLE, { country: 'DE' });
    // Only the Worker's key may run it.
    const { error } = await dashboard.rpc('build_goal_rollups', { p_limit: 1 });
    expect(error?.code).toBe('42501');
  });

  it('an edited goal is rebuilt for its new definition', async () => {
    const goal = (await siteGoals()).find((g) => g.name === 'Checkout done')!;
    const before = await rollupDays(goal);
    await t.db.query(`update public.goals set page_path = '/products/*' where id = $1`, [goal.id]);
    const { rows } = await t.db.query<{ definition: { page_path: string } }>(
      'select definition from public.goal_rollup_builds where goal_id = $1',
      [goal.id],
    );
    expect(rows[0]!.definition.page_path).toBe('/products/*');
    expect(await rollupDays(goal)).toBeGreaterThanOrEqual(before);
    await expectGoalsTruth(WHOLE);
    await expectGoalsTruth(WHOLE, { country: 'DE' });
    const edited = (await siteGoals()).find((g) => g.id === goal.id)!;
    expect(await breakdown(edited, 'country', WHOLE, {})).toEqual(
      truthGoalBreakdown(data, edited, 'country', WHOLE.from, WHOLE.to, {}),
    );
    // A rename alone keeps the rows (same definition).
    await t.db.query(`update public.goals set name = 'Product seen' where id = $1`, [goal.id]);
    await expectGoalsTruth(WHOLE);
  });

  it('a deleted goal leaves no rows and no report line', async () => {
    const goal = (await siteGoals()).find((g) => g.name === 'Any product')!;
    await t.db.query('delete from public.goals where id = $1', [goal.id]);
    const { rows } = await t.db.query<{ n: number }>(
      `select (select count(*) from public.goal_daily where goal_id = $1)
        + (select count(*) from public.goal_visitor_days where goal_id = $1)
        + (select count(*) from public.goal_sessions where goal_id = $1) as n`,
      [goal.id],
    );
    expect(Number(rows[0]!.n)).toBe(0);
    const got = await goalsReport(WHOLE);
    expect(got.map((g) => g.goal_id)).not.toContain(goal.id);
    await expectGoalsTruth(WHOLE);
  });
});

describe('retention', () => {
  it('drops the raw rows; the rollups keep the whole days', async () => {
    const purchase = (await siteGoals()).find((g) => g.name === 'Purchase')!;
    const want = await goalsReport(WHOLE);
    const byCountry = await breakdown(purchase, 'country', WHOLE, {});
    const byPage = await breakdown(purchase, 'page', WHOLE, {});
    const byEvent = await breakdown(purchase, 'event', WHOLE, {});
    expect(byPage.length).toBeGreaterThan(0);
    expect(want.some((g) => (g.visitors as number) > 0)).toBe(true);
    // Every raw and per-visitor row of the site past its period (the whole test traffic is
    // two years old then).
    let more = true;
    while (more) {
      const result = await rpc<{ more: boolean }>(t.service, 'apply_retention', {
        p_now: new Date(MIDNIGHT + 800 * DAY).toISOString(),
      });
      more = result.more;
    }
    const { rows } = await t.db.query<{ n: number }>(
      `select (select count(*) from public.sessions where site_id = $1)
        + (select count(*) from public.event_log where site_id = $1)
        + (select count(*) from public.session_pages where site_id = $1)
        + (select count(*) from public.goal_sessions s join public.goals g on g.id = s.goal_id
           where g.site_id = $1)
        + (select count(*) from public.goal_visitor_days v join public.goals g on g.id = v.goal_id
           where g.site_id = $1) as n`,
      [SITE],
    );
    expect(Number(rows[0]!.n)).toBe(0);
    // Visitors (the rate's denominator) come from the daily rollups, goals from theirs.
    expect(await goalsReport(WHOLE)).toEqual(want);
    expect(await breakdown(purchase, 'country', WHOLE, {})).toEqual(byCountry);
    expect(await breakdown(purchase, 'page', WHOLE, {})).toEqual(byPage);
    expect(await breakdown(purchase, 'event', WHOLE, {})).toEqual(byEvent);
  });
});
