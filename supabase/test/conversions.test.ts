// The conversion reports (stats_goals, stats_goal_breakdown, stats_funnel, stats_properties,
// stats_links, stats_page_engagement) through PostgREST with a dashboard token, against the
// ground truth computed from the generated events (support/truth-conversions.ts), for traffic
// flushed in order and in a random order, over whole days (rollup path for the denominators)
// and over hours, with and without filters.
import { matchesPath, type Goal, type IngestBatch, type IngestEvent } from '@sightline/schema';
import type { PostgrestClient } from '@supabase/postgrest-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIMENSIONS as REGISTRY } from '../src/dimensions.js';
import { rpc, rpcError } from './support/rpc.js';
import { createSite, startTestStack, type TestStack } from './support/stack.js';
import { mulberry32 } from '@sightline/test-utils';
import { generateTraffic, toBatches, type Traffic } from './support/traffic.js';
import type { Filters } from './support/truth.js';
import {
  truthFunnel,
  truthGoalBreakdown,
  truthGoals,
  truthLinks,
  truthPageEngagement,
  truthProperties,
  type Step,
} from './support/truth-conversions.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const TZ = 'Europe/Berlin';
const MIDNIGHT = Date.parse('2026-01-09T23:00:00Z');
const at = (ms: number) => new Date(ms);
const ALIGNED = { from: at(MIDNIGHT), to: at(MIDNIGHT + 2 * DAY) };
const UNALIGNED = { from: at(MIDNIGHT - 5 * HOUR), to: at(MIDNIGHT + 31 * HOUR) };
const RANGES = [
  ['whole days', ALIGNED],
  ['hours', UNALIGNED],
] as const;
const SITES = ['conv-ordered', 'conv-shuffled'] as const;
const DIMENSIONS = REGISTRY.map((d) => d.name);

let t: TestStack;
let dashboard: PostgrestClient;
const traffic = new Map<string, Traffic>();
/** Goals by name, per site (the same definitions, ids of their own). */
const goals = new Map<string, Map<string, Goal>>();
const funnels = new Map<
  string,
  Map<string, { id: number; steps: Step[]; window: number | null }>
>();

const GOALS = [
  { name: 'Purchase', event_name: 'purchase' },
  { name: 'Pro purchase', event_name: 'purchase', prop_key: 'plan', prop_value: 'pro' },
  { name: 'Checkout done', page_path: '/checkout/*/done' },
  { name: 'Any product', page_path: '/products/**' },
  { name: 'Signup', event_name: 'signup' },
  { name: 'Never', event_name: 'no-such-event' },
];

function generate(siteId: string): Traffic {
  return generateTraffic({
    siteId,
    seed: 42,
    startMs: MIDNIGHT - 2 * DAY,
    spanMs: 4 * DAY,
    visitors: 45,
    sessions: 260,
  });
}

beforeAll(async () => {
  t = await startTestStack();
  for (const site of SITES) {
    await createSite(t.db, { id: site, timezone: TZ });
    const data = generate(site);
    traffic.set(site, data);
    let batches: IngestBatch[] = toBatches(data, 25, site);
    if (site === 'conv-shuffled') {
      const random = mulberry32(9);
      batches = batches.sort(() => random() - 0.5);
    }
    for (const batch of batches) await rpc(t.service, 'ingest_batch', { payload: batch });
    const byName = new Map<string, Goal>();
    for (const g of GOALS) {
      const { rows } = await t.db.query<Goal>(
        `insert into public.goals (site_id, name, event_name, page_path, prop_key, prop_value)
         values ($1, $2, $3, $4, $5, $6)
         returning id::int, name, event_name, page_path, prop_key, prop_value`,
        [
          site,
          g.name,
          g.event_name ?? null,
          g.page_path ?? null,
          g.prop_key ?? null,
          g.prop_value ?? null,
        ],
      );
      byName.set(g.name, rows[0]!);
    }
    goals.set(site, byName);
    const shop: Step[] = [
      { page: '/products/**' },
      { page: '/cart' },
      { goal: byName.get('Checkout done')!.id },
      { goal: byName.get('Purchase')!.id },
    ];
    const defs: [string, Step[], number | null][] = [
      ['Shop', shop, null],
      ['Shop in a minute', shop, 60],
      // The same page twice, and pages everyone sees in any order: repeats and out-of-order
      // views decide these.
      ['Back and forth', [{ page: '/pricing' }, { page: '/docs' }, { page: '/pricing' }], null],
      ['Docs then signup', [{ page: '/docs' }, { goal: byName.get('Signup')!.id }], null],
    ];
    const byFunnel = new Map<string, { id: number; steps: Step[]; window: number | null }>();
    for (const [name, steps, window] of defs) {
      const { rows } = await t.db.query<{ id: number }>(
        `insert into public.funnels (site_id, name, steps, window_seconds)
         values ($1, $2, $3, $4) returning id::int`,
        [site, name, JSON.stringify(steps), window],
      );
      byFunnel.set(name, { id: rows[0]!.id, steps, window });
    }
    funnels.set(site, byFunnel);
  }
  dashboard = await t.dashboard([...SITES]);
}, 120_000);

afterAll(async () => {
  await t?.stop();
});

const range = (r: { from: Date; to: Date }) => ({
  p_from: r.from.toISOString(),
  p_to: r.to.toISOString(),
});

/** Revenue objects as numbers (Postgres' numeric arrives as a JSON number, exact to the cent). */
const cents = (revenue: Record<string, number>) =>
  Object.fromEntries(Object.entries(revenue).map(([c, a]) => [c, Math.round(a * 100) / 100]));

describe.each(SITES)('the %s site', (site) => {
  const data = () => traffic.get(site)!;
  const goal = (name: string) => goals.get(site)!.get(name)!;

  it('has traffic that converts', () => {
    const rows = truthGoals(data(), [...goals.get(site)!.values()], ALIGNED.from, ALIGNED.to);
    for (const row of rows.slice(0, 5)) expect(row.visitors).toBeGreaterThan(0);
  });

  it.each(
    RANGES.flatMap(([name, r]) =>
      (
        [{}, { country: 'DE' }, { device: 'desktop', page: '/' }, { utm_term: 'mugs' }] as Filters[]
      ).map((f) => [name, r, f] as const),
    ),
  )('stats_goals over %s with %j', async (_name, r, filters: Filters) => {
    const got = await rpc<Record<string, unknown>[]>(dashboard, 'stats_goals', {
      p_site: site,
      ...range(r),
      p_filters: filters,
    });
    const list = [...goals.get(site)!.values()].sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : a.id - b.id,
    );
    const want = truthGoals(data(), list, r.from, r.to, filters);
    expect(
      got.map((g) => ({
        goal_id: Number(g.goal_id),
        visitors: g.visitors,
        conversions: g.conversions,
        conversion_rate: Number((g.conversion_rate as number).toFixed(9)),
        revenue: cents(g.revenue as Record<string, number>),
      })),
    ).toEqual(want.map((w) => ({ ...w, conversion_rate: Number(w.conversion_rate.toFixed(9)) })));
    expect(got.map((g) => g.name)).toEqual(list.map((g) => g.name));
  });

  it.each(
    [
      ['Purchase', 'country', {}],
      ['Purchase', 'page', {}],
      ['Purchase', 'utm_source', { device: 'desktop' }],
      ['Pro purchase', 'event', {}],
      ['Checkout done', 'referrer_class', {}],
      ['Checkout done', 'page', { page: '/cart' }],
      ['Any product', 'browser', { country: 'DE' }],
      ['Signup', 'click_id', {}],
      ['Purchase', 'event', { event: 'purchase' }],
    ].flatMap(([g, d, f]) => RANGES.map(([name, r]) => [g, d, f, name, r] as const)) as [
      string,
      string,
      Filters,
      string,
      { from: Date; to: Date },
    ][],
  )('stats_goal_breakdown of %s by %s with %j over %s', async (g, dimension, filters, _n, r) => {
    const got = await rpc<Record<string, unknown>[]>(dashboard, 'stats_goal_breakdown', {
      p_site: site,
      p_goal: goal(g).id,
      p_dimension: dimension,
      ...range(r),
      p_filters: filters,
      p_limit: 100,
    });
    const want = truthGoalBreakdown(data(), goal(g), dimension, r.from, r.to, filters);
    expect(want.length).toBeGreaterThan(0);
    expect(
      got.map((row) => ({ ...row, revenue: cents(row.revenue as Record<string, number>) })),
    ).toEqual(want);
  });

  // The goal column of every breakdown the dashboard shows: each dimension of the registry,
  // an event goal with revenue and a page goal, filtered, over whole days and over hours.
  it.each(
    DIMENSIONS.flatMap((d) =>
      (
        [
          ['Purchase', { device: 'desktop' }, ALIGNED],
          ['Purchase', {}, UNALIGNED],
          ['Checkout done', { country: 'DE' }, ALIGNED],
        ] as const
      ).map(([g, f, r]) => [d, g, f as Filters, r] as const),
    ),
  )('the goal column of the %s breakdown: %s with %j', async (dimension, g, filters, r) => {
    const got = await rpc<Record<string, unknown>[]>(dashboard, 'stats_goal_breakdown', {
      p_site: site,
      p_goal: goal(g).id,
      p_dimension: dimension,
      ...range(r),
      p_filters: filters,
      p_limit: 1000,
    });
    const want = truthGoalBreakdown(data(), goal(g), dimension, r.from, r.to, filters);
    expect(
      got.map((row) => ({ ...row, revenue: cents(row.revenue as Record<string, number>) })),
    ).toEqual(want);
  });

  it('stats_goal_breakdown returns the values it is asked for', async () => {
    const want = truthGoalBreakdown(data(), goal('Purchase'), 'country', ALIGNED.from, ALIGNED.to);
    const values = [want[want.length - 1]!.value, 'XX'];
    const got = await rpc<Record<string, unknown>[]>(dashboard, 'stats_goal_breakdown', {
      p_site: site,
      p_goal: goal('Purchase').id,
      p_dimension: 'country',
      ...range(ALIGNED),
      p_values: values,
    });
    expect(got.map((row) => row.value)).toEqual([values[0]]);
  });

  // The pages a breakdown shows are read by path (their page rows in range) rather than per
  // converting session: the same rows as the ground truth, only those asked for.
  it.each(
    (
      [
        ['Purchase', {}],
        ['Purchase', { device: 'desktop' }],
        ['Checkout done', {}],
        ['Checkout done', { page: '/cart' }],
      ] as const
    ).flatMap(([g, f]) => RANGES.map(([name, r]) => [g, f as Filters, name, r] as const)),
  )(
    'stats_goal_breakdown of %s by the pages asked for, with %j over %s',
    async (g, filters, _n, r) => {
      const all = truthGoalBreakdown(data(), goal(g), 'page', r.from, r.to, filters);
      expect(all.length).toBeGreaterThan(0);
      const asked = [...all.filter((_, i) => i % 2 === 0).map((row) => row.value), '/not-a-page'];
      const got = await rpc<Record<string, unknown>[]>(dashboard, 'stats_goal_breakdown', {
        p_site: site,
        p_goal: goal(g).id,
        p_dimension: 'page',
        ...range(r),
        p_filters: filters,
        p_limit: 1000,
        p_values: asked,
      });
      expect(
        got.map((row) => ({ ...row, revenue: cents(row.revenue as Record<string, number>) })),
      ).toEqual(all.filter((row) => asked.includes(row.value)));
    },
  );

  it.each(
    ['Shop', 'Shop in a minute', 'Back and forth', 'Docs then signup'].flatMap((f) =>
      RANGES.flatMap(([name, r]) =>
        ([{}, { device: 'mobile' }] as Filters[]).map((filters) => [f, name, r, filters] as const),
      ),
    ),
  )('stats_funnel %s over %s with %j', async (name, _n, r, filters: Filters) => {
    const funnel = funnels.get(site)!.get(name)!;
    const got = await rpc<Record<string, unknown>[]>(dashboard, 'stats_funnel', {
      p_site: site,
      p_funnel: funnel.id,
      ...range(r),
      p_filters: filters,
    });
    const want = truthFunnel(
      data(),
      funnel.steps,
      [...goals.get(site)!.values()],
      funnel.window === null ? null : funnel.window * 1000,
      r.from,
      r.to,
      filters,
    );
    expect(want[0]!.visitors).toBeGreaterThan(0);
    expect(
      got.map(({ label: _label, ...row }) => ({
        ...row,
        conversion_rate: Number((row.conversion_rate as number).toFixed(9)),
      })),
    ).toEqual(want.map((w) => ({ ...w, conversion_rate: Number(w.conversion_rate.toFixed(9)) })));
    expect(got[0]!.label).toBe('page' in funnel.steps[0]! ? funnel.steps[0].page : '');
  });

  it('a time limit, out-of-order and repeated steps change the funnel as defined', () => {
    // The limited funnel loses sessions at its later steps; going back and forth keeps fewer
    // at step 3 than at step 2 (the ground truth above checks the numbers; these check that
    // the traffic exercises both rules).
    const goalsList = [...goals.get(site)!.values()];
    const shop = funnels.get(site)!.get('Shop')!;
    const free = truthFunnel(data(), shop.steps, goalsList, null, ALIGNED.from, ALIGNED.to);
    const limited = truthFunnel(data(), shop.steps, goalsList, 60_000, ALIGNED.from, ALIGNED.to);
    expect(limited[3]!.visitors).toBeLessThan(free[3]!.visitors);
    const back = funnels.get(site)!.get('Back and forth')!;
    const rows = truthFunnel(data(), back.steps, goalsList, null, ALIGNED.from, ALIGNED.to);
    expect(rows[2]!.visitors).toBeGreaterThan(0);
    expect(rows[2]!.visitors).toBeLessThan(rows[1]!.visitors);
  });

  it.each(
    RANGES.flatMap(([name, r]) =>
      (
        [
          [{ event: 'purchase' }, {}],
          [{ event: 'signup' }, { country: 'US' }],
          [{ goal: 'Pro purchase' }, {}],
        ] as const
      ).map(([match, filters]) => [match, name, r, filters] as const),
    ),
  )('stats_properties of %j over %s with %j', async (match, _n, r, filters: Filters) => {
    const got = await rpc<Record<string, unknown>[]>(dashboard, 'stats_properties', {
      p_site: site,
      ...range(r),
      ...('event' in match ? { p_event: match.event } : { p_goal: goal(match.goal).id }),
      p_filters: filters,
      p_limit: 3,
    });
    const want = truthProperties(
      data(),
      'event' in match ? match : { goal: goal(match.goal) },
      r.from,
      r.to,
      filters,
      3,
    );
    expect(want.length).toBeGreaterThan(0);
    expect(
      got.map((row) => ({ ...row, revenue: cents(row.revenue as Record<string, number>) })),
    ).toEqual(want);
  });

  it.each(
    (['outbound', 'download', '404'] as const).flatMap((kind) =>
      RANGES.flatMap(([name, r]) =>
        ([{}, { browser: 'Chrome' }] as Filters[]).map(
          (filters) => [kind, name, r, filters] as const,
        ),
      ),
    ),
  )('stats_links %s over %s with %j', async (kind, _n, r, filters: Filters) => {
    const got = await rpc<unknown[]>(dashboard, 'stats_links', {
      p_site: site,
      p_kind: kind,
      ...range(r),
      p_filters: filters,
      p_limit: 100,
    });
    const want = truthLinks(data(), kind, r.from, r.to, filters);
    expect(want.length).toBeGreaterThan(0);
    expect(got).toEqual(want);
  });

  it.each(
    RANGES.flatMap(([name, r]) =>
      ([{}, { device: 'desktop' }] as Filters[]).map((filters) => [name, r, filters] as const),
    ),
  )('stats_page_engagement over %s with %j', async (_n, r, filters: Filters) => {
    const paths = ['/', '/pricing', '/products/mug', '/checkout/7/done', '/nowhere'];
    const got = await rpc<Record<string, number | string | null>[]>(
      dashboard,
      'stats_page_engagement',
      { p_site: site, ...range(r), p_filters: filters, p_paths: paths },
    );
    const want = truthPageEngagement(data(), paths, r.from, r.to, filters);
    expect(want.some((w) => w.scroll_visits < w.visits && w.scroll_visits > 0)).toBe(true);
    expect(want.some((w) => w.loads > 0)).toBe(true);
    expect(got).toHaveLength(want.length);
    got.forEach((row, i) => {
      const w = want[i]!;
      expect({
        ...row,
        scroll_avg: null,
        lcp_p75: null,
        inp_p75: null,
        cls_p75: null,
        ttfb_p75: null,
        fcp_p75: null,
      }).toEqual({
        ...w,
        scroll_avg: null,
        lcp_p75: null,
        inp_p75: null,
        cls_p75: null,
        ttfb_p75: null,
        fcp_p75: null,
      });
      for (const key of [
        'scroll_avg',
        'lcp_p75',
        'inp_p75',
        'cls_p75',
        'ttfb_p75',
        'fcp_p75',
      ] as const) {
        if (w[key] === null) expect(row[key], key).toBeNull();
        else expect(row[key] as number, key).toBeCloseTo(w[key], 6);
      }
    });
  });
});

describe('path patterns mean the same in the database as in TypeScript', () => {
  const CASES: [string, string][] = [
    ['/checkout/*/done', '/checkout/42/done'],
    ['/checkout/*/done', '/checkout/a/b/done'],
    ['/blog/**', '/blog/2026/hello'],
    ['/blog/**', '/blog'],
    ['/product**', '/products/mug'],
    ['/product*', '/products/mug'],
    ['/a.b', '/aXb'],
    ['/a+(b)|c', '/a+(b)|c'],
    ['/[x]{2}', '/[x]{2}'],
    ['/$1^', '/$1^'],
    ['/c\\d', '/c\\d'],
    ['/**/end', '/x/y/end'],
    ['/#/orders/*', '/#/orders/7'],
  ];
  // And generated ones: every metacharacter in patterns and paths.
  const random = mulberry32(3);
  const alphabet = [
    '/',
    'a',
    '*',
    '**',
    '.',
    '+',
    '?',
    '(',
    ')',
    '[',
    ']',
    '{',
    '}',
    '|',
    '^',
    '$',
    '\\',
  ];
  const word = (n: number) =>
    '/' +
    Array.from({ length: n }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
  for (let i = 0; i < 300; i++)
    CASES.push([word(1 + (i % 6)), word(1 + (i % 5)).replaceAll('*', 'x')]);

  it('matches exactly the same paths', async () => {
    const { rows } = await t.db.query<{ pattern: string; path: string; match: boolean }>(
      `select c.pattern, c.path, c.path ~ private.path_pattern_regex(c.pattern) as match
       from unnest($1::text[], $2::text[]) c(pattern, path)`,
      [CASES.map((c) => c[0]), CASES.map((c) => c[1])],
    );
    expect(rows.map((r) => [r.pattern, r.path, r.match])).toEqual(
      CASES.map(([pattern, path]) => [pattern, path, matchesPath(pattern, path)]),
    );
    expect(rows.filter((r) => r.match).length).toBeGreaterThan(10);
  });
});

describe('funnels: out-of-order and repeated steps, by hand', () => {
  // One session each, events a minute apart; the funnel /a -> /b -> purchase.
  const SITE = 'conv-cases';
  const T = Date.parse('2026-02-02T10:00:00Z');
  const sessions: Record<string, [IngestEvent['type'], string, string?][]> = {
    // In order: reaches all three.
    inOrder: [
      ['pageview', '/a'],
      ['pageview', '/b'],
      ['custom', '/b', 'purchase'],
    ],
    // /b before /a, then /b again after /a: the second view of /b counts (a later view of a page
    // first seen before the previous step).
    backAgain: [
      ['pageview', '/b'],
      ['pageview', '/a'],
      ['pageview', '/b'],
      ['custom', '/b', 'purchase'],
    ],
    // /b only before /a: stops at step 1; the purchase after /a does not skip step 2.
    outOfOrder: [
      ['pageview', '/b'],
      ['pageview', '/a'],
      ['custom', '/a', 'purchase'],
    ],
    // /a twice, /b once between: starts at the first /a; repeats change nothing.
    repeated: [
      ['pageview', '/a'],
      ['pageview', '/b'],
      ['pageview', '/a'],
      ['pageview', '/b'],
    ],
    // The purchase came before /b: step 3 not reached.
    earlyPurchase: [
      ['pageview', '/a'],
      ['custom', '/a', 'purchase'],
      ['pageview', '/b'],
    ],
  };
  let funnel = 0;
  let limited = 0;

  beforeAll(async () => {
    await createSite(t.db, { id: SITE });
    const events: IngestEvent[] = [];
    const stateOf: IngestBatch['sessions'] = [];
    Object.entries(sessions).forEach(([name, steps], s) => {
      const own = steps.map(([type, path, eventName], i): IngestEvent => ({
        id: `${name}-${i}`,
        site_id: SITE,
        type,
        at: new Date(T + s * 3_600_000 + i * 60_000).toISOString(),
        session_id: `s-${name}`,
        visitor_id: `v-${name}`,
        path,
        referrer_host: '',
        referrer_class: 'direct',
        utm_source: '',
        utm_medium: '',
        utm_campaign: '',
        name: eventName ?? '',
        props: null,
        engaged_ms: 0,
        scroll: null,
        interactions: 0,
        country: 'DE',
        region: '',
        city: '',
        latitude: null,
        longitude: null,
        device: 'desktop',
        browser: 'Firefox',
        os: 'Linux',
      }));
      events.push(...own);
      const views = own.filter((e) => e.type === 'pageview');
      stateOf.push({
        ...own[0]!,
        session_id: `s-${name}`,
        started_at: own[0]!.at,
        last_seen: own[own.length - 1]!.at,
        entry_path: views[0]!.path,
        exit_path: views[views.length - 1]!.path,
        pageviews: views.length,
        engaged_ms: 0,
        max_scroll: 0,
        interactions: 0,
        returning: false,
      });
    });
    await rpc(t.service, 'ingest_batch', {
      payload: { batch_id: 'cases', store_raw: false, events, sessions: stateOf, visitors: [] },
    });
    const { rows: g } = await t.db.query<{ id: number }>(
      `insert into public.goals (site_id, name, event_name) values ($1, 'Bought', 'purchase')
       returning id::int`,
      [SITE],
    );
    const steps = JSON.stringify([{ page: '/a' }, { page: '/b' }, { goal: g[0]!.id }]);
    const { rows: f } = await t.db.query<{ id: number; limited: number }>(
      `insert into public.funnels (site_id, name, steps, window_seconds)
       values ($1, 'a-b-buy', $2, null), ($1, 'a-b-buy in 90 s', $2, 90) returning id::int`,
      [SITE, steps],
    );
    funnel = f[0]!.id;
    limited = f[1]!.id;
  });

  const run = async (id: number) =>
    (
      await rpc<{ visitors: number }[]>(await t.dashboard([SITE]), 'stats_funnel', {
        p_site: SITE,
        p_funnel: id,
        p_from: new Date(T - 3_600_000).toISOString(),
        p_to: new Date(T + 10 * 3_600_000).toISOString(),
      })
    ).map((r) => r.visitors);

  it('counts step by step as defined', async () => {
    // step 1: all five; step 2: all but outOfOrder; step 3: inOrder and backAgain.
    expect(await run(funnel)).toEqual([5, 4, 2]);
  });

  it('with a time limit, only steps within it of the start', async () => {
    // 90 s from the first /a: inOrder reaches /b (60 s) but buys at 120 s; backAgain starts at
    // 60 s and reaches /b at 120 s (60 s later), buys at 180 s (120 s after the start).
    expect(await run(limited)).toEqual([5, 3, 0]);
  });
});

describe('errors are HTTP 400 with a reason', () => {
  const r = range(ALIGNED);
  it.each([
    [
      'stats_goal_breakdown',
      { p_site: SITES[0], p_goal: 999999, p_dimension: 'page', ...r },
      /goal 999999/,
    ],
    [
      'stats_goal_breakdown',
      { p_site: SITES[0], p_goal: 1, p_dimension: 'colour', ...r },
      /unknown dimension/,
    ],
    ['stats_funnel', { p_site: SITES[0], p_funnel: 999999, ...r }, /funnel 999999/],
    ['stats_properties', { p_site: SITES[0], ...r }, /p_event or p_goal/],
    ['stats_links', { p_site: SITES[0], p_kind: 'clicks', ...r }, /outbound, download or 404/],
    ['stats_goals', { p_site: SITES[0], ...r, p_filters: { colour: 'red' } }, /invalid filter/],
  ] as [string, object, RegExp][])('%s %j', async (fn, args, message) => {
    const error = await rpcError(dashboard, fn, args);
    expect(error.status).toBe(400);
    expect(error.code).toBe('22023');
    expect(error.message).toMatch(message);
  });

  it('refuses a page goal for properties, and a site the token cannot read', async () => {
    const pageGoal = goals.get(SITES[0])!.get('Checkout done')!;
    const error = await rpcError(dashboard, 'stats_properties', {
      p_site: SITES[0],
      ...r,
      p_goal: pageGoal.id,
    });
    expect(error.message).toMatch(/page goal/);
    const other = await t.dashboard(['elsewhere']);
    expect((await rpcError(other, 'stats_goals', { p_site: SITES[0], ...r })).code).toBe('42501');
  });
});
