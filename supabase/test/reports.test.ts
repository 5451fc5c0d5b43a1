// ingest_batch and the reading RPCs against the devstack's Postgres + PostgREST: exact figures
// against a ground truth computed from the generated events, idempotency, and merges of
// out-of-order and repeated session states.
import type { IngestBatch, IngestBatchResult } from '@sightline/schema';
import type { PostgrestClient } from '@supabase/postgrest-js';
import { mulberry32 } from '@sightline/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIMENSIONS as REGISTRY } from '../src/dimensions.js';
import { createSite, startTestStack, type TestStack } from './support/stack.js';
import { rpc, rpcError } from './support/rpc.js';
import { fingerprint } from './support/fingerprint.js';
import { generateTraffic, toBatches, type Traffic } from './support/traffic.js';
import {
  truthBreakdown,
  truthOverview,
  truthTimeseries,
  type BreakdownRow,
  type Bucket,
  type Filters,
} from './support/truth.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
// Europe/Berlin is UTC+1 in January: local midnight of 2026-01-10 is 23:00 UTC the day before.
const TZ = 'Europe/Berlin';
const OFFSET_HOURS = 1;
const MIDNIGHT = Date.parse('2026-01-09T23:00:00Z');
const at = (ms: number) => new Date(ms);

// Every dimension of the registry: a new one fails here until truth.ts knows its value.
const DIMENSIONS = REGISTRY.map((d) => d.name);

let t: TestStack;
let dashboard: PostgrestClient;
let inOrder: Traffic;
let shuffled: Traffic;
/** The same traffic in flushes of up to 500 events, as the Worker sends them under load: one
 * flush then holds a visitor's sessions of several days. */
let large: Traffic;
let inOrderBatches: IngestBatch[];

function traffic(siteId: string): Traffic {
  // Two days before and two days after MIDNIGHT: ranges of two days have a previous period.
  return generateTraffic({
    siteId,
    seed: 42,
    startMs: MIDNIGHT - 2 * DAY,
    spanMs: 4 * DAY,
    visitors: 45,
    sessions: 220,
  });
}

async function ingest(batch: IngestBatch): Promise<IngestBatchResult> {
  return rpc<IngestBatchResult>(t.service, 'ingest_batch', { payload: batch });
}

beforeAll(async () => {
  t = await startTestStack();
  for (const id of ['ordered', 'shuffled', 'large']) await createSite(t.db, { id, timezone: TZ });
  dashboard = await t.dashboard(['ordered', 'shuffled', 'large']);
  inOrder = traffic('ordered');
  shuffled = traffic('shuffled');
  large = traffic('large');
  for (const batch of toBatches(large, 500, 'large')) await ingest(batch);
  inOrderBatches = toBatches(inOrder, 25);
  for (const batch of inOrderBatches) {
    const result = await ingest(batch);
    expect(result).toEqual({
      batch_id: batch.batch_id,
      duplicate: false,
      events: batch.events.length,
      sessions: batch.sessions.length,
      visitors: batch.visitors.length,
    });
  }
  // The same flushes in a random order, some twice under new batch ids (a retry the Worker
  // could not recognise), and stale session states replayed at the end.
  const random = mulberry32(7);
  const batches = toBatches(shuffled, 25).sort(() => random() - 0.5);
  for (const batch of batches) await ingest(batch);
  for (const batch of batches.slice(0, 5)) {
    await ingest({ ...batch, batch_id: `${batch.batch_id}-states-again`, events: [] });
  }
}, 120_000);

afterAll(async () => {
  await t?.stop();
});

describe('ingest_batch', () => {
  it('applies a batch once: a replayed batch id changes nothing and says duplicate', async () => {
    const before = await fingerprint(t.db, 'ordered');
    for (const batch of inOrderBatches.slice(0, 10)) {
      expect(await ingest(batch)).toEqual({
        batch_id: batch.batch_id,
        duplicate: true,
        events: 0,
        sessions: 0,
        visitors: 0,
      });
    }
    expect(await fingerprint(t.db, 'ordered')).toEqual(before);
  });

  it('never moves a session, visitor or rollup backwards on stale or repeated states', async () => {
    const before = await fingerprint(t.db, 'ordered');
    // Every flush's session and visitor states again, oldest last, without their events.
    for (const [i, batch] of [...inOrderBatches].reverse().entries()) {
      await ingest({ ...batch, batch_id: `stale-${i}`, events: [], store_raw: false });
    }
    expect(await fingerprint(t.db, 'ordered')).toEqual(before);
  });

  it('merges out-of-order flushes to the same state as in-order ones', async () => {
    const strip = async (site: string) => {
      const { rows } = await t.db.query(
        `select dimension, value, hour, visits, pageviews, bounces, engaged_ms from public.rollups
         where site_id = $1 and (visits, pageviews, bounces, engaged_ms) <> (0, 0, 0, 0)
         order by 1, 2, 3`,
        [site],
      );
      const { rows: uniques } = await t.db.query(
        // Trailing zeros of the gap counts depend on the order deltas came in; the counts do not.
        `select dimension, value, day, visits, pageviews, bounces, engaged_ms, new_visitors,
           array(select n from unnest(returning_by_gap) with ordinality u(n, k)
                 where k <= (select coalesce(max(k2), 0) from unnest(returning_by_gap)
                             with ordinality v(n2, k2) where n2 <> 0)
                 order by k) as returning_by_gap
         from public.daily_rollups
         where site_id = $1 and (visits, pageviews, bounces, engaged_ms, new_visitors) <> (0, 0, 0, 0, 0)
         order by 1, 2, 3`,
        [site],
      );
      const { rows: visitors } = await t.db.query(
        `select replace(visitor_id, $1, '') as id, first_seen, last_seen, last_path, sessions,
           pageviews, engaged_ms, max_scroll, interactions, value_score, country, city
         from public.visitors where site_id = $1 order by 1`,
        [site],
      );
      // Which dimension keys each visitor was active with per day, and their hits.
      const { rows: days } = await t.db.query(
        `select replace(visitor_id, $1, '') as id, day, dims from public.visitor_days
         where site_id = $1 order by 1, 2`,
        [site],
      );
      return { rows, uniques, visitors, days };
    };
    expect(await strip('shuffled')).toEqual(await strip('ordered'));
  });

  it('derives visitor counters from the sessions', async () => {
    const expected = new Map<string, { sessions: number; pageviews: number; engaged: number }>();
    for (const s of inOrder.sessions) {
      const v = expected.get(s.visitor_id) ?? { sessions: 0, pageviews: 0, engaged: 0 };
      v.sessions++;
      v.pageviews += s.events.filter((e) => e.type === 'pageview').length;
      v.engaged += s.events.reduce(
        (sum, e) => sum + (e.type === 'heartbeat' ? e.engaged_ms : 0),
        0,
      );
      expected.set(s.visitor_id, v);
    }
    const { rows } = await t.db.query<{
      visitor_id: string;
      sessions: string;
      pageviews: string;
      engaged_ms: string;
    }>(
      `select visitor_id, sessions, pageviews, engaged_ms from public.visitors where site_id = 'ordered'`,
    );
    expect(rows).toHaveLength(expected.size);
    for (const row of rows) {
      const v = expected.get(row.visitor_id)!;
      expect([Number(row.sessions), Number(row.pageviews), Number(row.engaged_ms)]).toEqual([
        v.sessions,
        v.pageviews,
        v.engaged,
      ]);
    }
  });

  it('stores raw events once', async () => {
    const { rows } = await t.db.query<{ n: string }>(
      `select count(*) as n from public.events where site_id = 'ordered'`,
    );
    expect(Number(rows[0]!.n)).toBe(inOrder.events.length);
  });
});

// Whole local days use the rollups; other ranges and filter mixes take the sessions path.
const ALIGNED = { from: at(MIDNIGHT), to: at(MIDNIGHT + 2 * DAY) };
const UNALIGNED = { from: at(MIDNIGHT - 5 * HOUR), to: at(MIDNIGHT + 31 * HOUR) };

function normalise(rows: BreakdownRow[]): BreakdownRow[] {
  return rows.map((r) => ({
    ...r,
    bounce_rate: r.bounce_rate === null ? null : Number(r.bounce_rate.toFixed(9)),
  }));
}

describe.each(['ordered', 'shuffled', 'large'])('reports of the %s site', (site) => {
  const data = () => ({ ordered: inOrder, shuffled, large })[site]!;

  it.each([
    ['whole days', ALIGNED, {}],
    ['whole days, one country', ALIGNED, { country: 'DE' }],
    ['whole days, one page', ALIGNED, { page: '/pricing' }],
    ['whole days, an event', ALIGNED, { event: 'signup' }],
    ['whole days, two filters', ALIGNED, { device: 'desktop', page: '/' }],
    // A country with other session filters: an index-only scan of sessions_country.
    ['whole days, a country and a device', ALIGNED, { country: 'DE', device: 'desktop' }],
    ['whole days, a country and a page', ALIGNED, { country: 'DE', page: '/pricing' }],
    ['hours, a country and a browser', UNALIGNED, { country: 'US', browser: 'Chrome' }],
    ['hours', UNALIGNED, {}],
    ['hours, one referrer class', UNALIGNED, { referrer_class: 'search' }],
  ] as [string, { from: Date; to: Date }, Filters][])(
    'stats_overview over %s',
    async (_name, range, filters) => {
      const got = await rpc<Record<string, unknown>>(dashboard, 'stats_overview', {
        p_site: site,
        p_from: range.from.toISOString(),
        p_to: range.to.toISOString(),
        p_filters: filters,
      });
      const want = truthOverview(data(), range.from, range.to, filters);
      expect(want.visits).toBeGreaterThan(0);
      expect(got).toEqual({
        ...want,
        bounce_rate: expect.closeTo(want.bounce_rate, 9) as number,
        previous: {
          ...want.previous,
          bounce_rate: expect.closeTo(want.previous.bounce_rate, 9) as number,
        },
      });
    },
  );

  /** A breakdown over whole days and over hours, each beside its ground truth. */
  async function breakdownsAndTruth(
    dimension: string,
    filters?: Filters,
  ): Promise<{ got: BreakdownRow[]; want: BreakdownRow[] }[]> {
    const pairs = [];
    for (const range of [ALIGNED, UNALIGNED]) {
      const got = await rpc<BreakdownRow[]>(dashboard, 'stats_breakdown', {
        p_site: site,
        p_dimension: dimension,
        p_from: range.from.toISOString(),
        p_to: range.to.toISOString(),
        ...(filters ? { p_filters: filters } : {}),
        p_limit: 100,
      });
      pairs.push({ got, want: truthBreakdown(data(), dimension, range.from, range.to, filters) });
    }
    return pairs;
  }

  it.each(DIMENSIONS.map((d) => [d]))(
    'stats_breakdown by %s over whole days and over hours',
    async (dimension) => {
      for (const { got, want } of await breakdownsAndTruth(dimension)) {
        expect(want.length).toBeGreaterThan(0);
        expect(normalise(got)).toEqual(normalise(want));
      }
    },
  );

  it.each([
    ['page', { country: 'DE' }],
    ['page', { country: 'DE', device: 'desktop' }],
    ['page', { country: 'US', page: '/docs' }],
    ['page', { page: '/pricing' }],
    ['city', { country: 'DE', device: 'desktop' }],
    ['country', { country: 'US' }],
    ['event', { device: 'mobile' }],
    ['event', { event: 'add_to_cart' }],
    ['exit_page', { page: '/docs', referrer_class: 'direct' }],
    ['browser', { event: 'add_to_cart' }],
  ] as [string, Filters][])('stats_breakdown by %s with filters %j', async (dimension, filters) => {
    // Over whole days (rollups where one answers) and over hours (sessions): the same meaning.
    for (const { got, want } of await breakdownsAndTruth(dimension, filters)) {
      expect(normalise(got)).toEqual(normalise(want));
    }
  });

  it('stats_breakdown honours the limit, ordered by visitors', async () => {
    const got = await rpc<BreakdownRow[]>(dashboard, 'stats_breakdown', {
      p_site: site,
      p_dimension: 'page',
      p_from: ALIGNED.from.toISOString(),
      p_to: ALIGNED.to.toISOString(),
      p_limit: 3,
    });
    expect(normalise(got)).toEqual(
      normalise(truthBreakdown(data(), 'page', ALIGNED.from, ALIGNED.to).slice(0, 3)),
    );
  });

  it.each([
    ['day', ALIGNED, {}],
    ['day', ALIGNED, { city: 'Paris' }],
    ['day', UNALIGNED, {}],
    ['hour', UNALIGNED, {}],
    ['hour', ALIGNED, { page: '/', browser: 'Chrome' }],
    ['day', ALIGNED, { country: 'DE', os: 'Windows' }],
  ] as ['hour' | 'day', { from: Date; to: Date }, Filters][])(
    'stats_timeseries by %s over %j with %j, zero-filled',
    async (resolution, range, filters) => {
      const got = await rpc<Bucket[]>(dashboard, 'stats_timeseries', {
        p_site: site,
        p_from: range.from.toISOString(),
        p_to: range.to.toISOString(),
        p_resolution: resolution,
        p_filters: filters,
      });
      const want = truthTimeseries(data(), range.from, range.to, resolution, OFFSET_HOURS, filters);
      expect(got.map((b) => ({ ...b, bucket: new Date(b.bucket).toISOString() }))).toEqual(want);
      expect(want.some((b) => b.visits === 0)).toBe(resolution === 'hour');
    },
  );
});

// ingest_batch copies the stored session's country onto the page rows it inserts
// (0007_read_paths.sql); a row written before its session was stored keeps NULL. A page breakdown
// filtered by country reads the first kind in one range scan of session_pages_country and looks
// the second up per session. Here about two thirds of the rows get their country as
// ingest_batch gives it and the others NULL, whatever ingest_batch wrote, so that both kinds
// are read together (and restored afterwards). Whole days filtered by a country alone read the
// page@country daily rollups instead, so every case here has hours or a second filter.
describe('page breakdowns filtered by country, with and without the country on page rows', () => {
  const SITES = ['ordered', 'shuffled', 'large'];
  let saved: { site_id: string; session_id: string; path: string; country: string | null }[] = [];

  beforeAll(async () => {
    const { rows } = await t.db.query<{
      site_id: string;
      session_id: string;
      path: string;
      country: string | null;
    }>(
      `select site_id, session_id, path, country from public.session_pages
       where site_id = any($1)`,
      [SITES],
    );
    saved = rows;
    await t.db.query(
      `update public.session_pages p
       set country = case when hashtext(p.session_id || p.path) % 3 <> 0 then s.country end
       from public.sessions s
       where p.site_id = any($1) and s.site_id = p.site_id and s.session_id = p.session_id
         and s.hour = p.hour`,
      [SITES],
    );
  });

  afterAll(async () => {
    await t.db.query(
      `update public.session_pages p set country = f.country
       from unnest($1::text[], $2::text[], $3::text[], $4::text[]) f(site_id, session_id, path, country)
       where p.site_id = f.site_id and p.session_id = f.session_id and p.path = f.path`,
      [
        saved.map((r) => r.site_id),
        saved.map((r) => r.session_id),
        saved.map((r) => r.path),
        saved.map((r) => r.country),
      ],
    );
  });

  it('has rows of both kinds', async () => {
    const { rows } = await t.db.query<{ known: string; unknown: string }>(
      `select count(*) filter (where country is not null) as known,
         count(*) filter (where country is null) as unknown
       from public.session_pages where site_id = any($1)`,
      [SITES],
    );
    expect(Number(rows[0]!.known)).toBeGreaterThan(0);
    expect(Number(rows[0]!.unknown)).toBeGreaterThan(0);
  });

  it.each(
    SITES.flatMap((site) =>
      (
        [
          [UNALIGNED, { country: 'DE' }],
          [ALIGNED, { country: 'US', device: 'desktop' }],
          [ALIGNED, { country: 'DE', page: '/pricing' }],
          [UNALIGNED, { country: 'FR' }],
        ] as [{ from: Date; to: Date }, Filters][]
      ).map(([range, filters]) => [site, range, filters] as const),
    ),
  )('of the %s site over %j with %j', async (site, range, filters) => {
    const got = await rpc<BreakdownRow[]>(dashboard, 'stats_breakdown', {
      p_site: site,
      p_dimension: 'page',
      p_from: range.from.toISOString(),
      p_to: range.to.toISOString(),
      p_filters: filters,
      p_limit: 100,
    });
    const data = { ordered: inOrder, shuffled, large }[site]!;
    const want = truthBreakdown(data, 'page', range.from, range.to, filters);
    expect(want.length).toBeGreaterThan(0);
    expect(normalise(got)).toEqual(normalise(want));
    // With "many" rows of unknown country (the setting lowered to 0), those are looked up per
    // session instead: same figures. Called as the dashboard's role, over SQL (PostgREST
    // cannot pass the setting).
    const claims = JSON.stringify({ role: 'authenticated', site_ids: SITES });
    await t.db.query('begin');
    try {
      await t.db.query(`select set_config('request.jwt.claims', $1, true)`, [claims]);
      await t.db.query(`select set_config('sightline.few_unknown_country', '0', true)`);
      await t.db.query('set local role authenticated');
      const { rows } = await t.db.query<Record<string, string | number | null>>(
        'select * from public.stats_breakdown($1, $2, $3, $4, $5, $6)',
        [site, 'page', range.from, range.to, JSON.stringify(filters), 100],
      );
      const perSession = rows.map((r) => ({
        value: r.value as string,
        visitors: Number(r.visitors),
        visits: Number(r.visits),
        pageviews: Number(r.pageviews),
        bounce_rate: r.bounce_rate === null ? null : Number(r.bounce_rate),
        engaged_ms: Number(r.engaged_ms),
      }));
      expect(normalise(perSession)).toEqual(normalise(want));
    } finally {
      await t.db.query('rollback');
    }
  });
});

describe('live_visitors', () => {
  it('lists the visitors seen within the window with position, score and counters', async () => {
    await createSite(t.db, { id: 'live', timezone: TZ });
    const now = Date.now();
    const recent = generateTraffic({
      siteId: 'live',
      seed: 3,
      startMs: now - 60_000,
      spanMs: 30_000,
      visitors: 3,
      sessions: 3,
    });
    const old = generateTraffic({
      siteId: 'live',
      idPrefix: 'old',
      seed: 4,
      startMs: now - 3 * HOUR,
      spanMs: 60_000,
      visitors: 2,
      sessions: 2,
    });
    for (const batch of [...toBatches(old, 50, 'old'), ...toBatches(recent, 50, 'recent')])
      await ingest(batch);

    const rows = await rpc<Record<string, unknown>[]>(
      await t.dashboard(['live']),
      'live_visitors',
      { p_site: 'live', p_window_seconds: 600 },
    );
    const expectedIds = [...new Set(recent.events.map((e) => e.visitor_id))];
    expect(rows.map((r) => r.visitor_id).sort()).toEqual(expectedIds.sort());
    const last = recent.events[recent.events.length - 1]!;
    const row = rows.find((r) => r.visitor_id === last.visitor_id)!;
    expect(row).toMatchObject({
      latitude: last.latitude,
      longitude: last.longitude,
      country: last.country,
      city: last.city,
      path: last.path,
      device: last.device,
      browser: last.browser,
      os: last.os,
    });
    expect(new Date(row.last_seen as string).toISOString()).toBe(last.at);
    expect(typeof row.value_score).toBe('number');
    expect(row.pageviews).toBe(
      recent.events.filter((e) => e.visitor_id === last.visitor_id && e.type === 'pageview').length,
    );
    // Most recent first.
    expect(rows[0]!.visitor_id).toBe(last.visitor_id);
  });
});

describe('the previous period', () => {
  it('of whole local days is counted in local days, also across a DST change', async () => {
    // Europe/Berlin leaves summer time on 2026-10-25: [Oct 20, Oct 27) is 7 local days but
    // 169 hours; the previous period is [Oct 13, Oct 20) at local midnight, not 169 hours back.
    const { rows } = await t.db.query<{ from: Date; hours: Date }>(
      `select private.previous_from('2026-10-19T22:00:00Z', '2026-10-26T23:00:00Z', $1) as from,
              private.previous_from('2026-10-19T22:30:00Z', '2026-10-26T23:00:00Z', $1) as hours`,
      [TZ],
    );
    expect(rows[0]!.from.toISOString()).toBe('2026-10-12T22:00:00.000Z');
    // Not whole days: the same length in absolute time.
    expect(rows[0]!.hours.toISOString()).toBe('2026-10-12T22:00:00.000Z');
  });
});

describe('argument errors are HTTP 400 with a reason', () => {
  const range = { p_from: ALIGNED.from.toISOString(), p_to: ALIGNED.to.toISOString() };
  it.each([
    [
      'stats_breakdown',
      { p_site: 'ordered', p_dimension: 'colour', ...range },
      /unknown dimension "colour"/,
    ],
    [
      'stats_overview',
      { p_site: 'ordered', ...range, p_filters: { colour: 'red' } },
      /invalid filter "colour"/,
    ],
    [
      'stats_overview',
      { p_site: 'ordered', ...range, p_filters: { country: 1 } },
      /invalid filter "country"/,
    ],
    ['stats_timeseries', { p_site: 'ordered', ...range, p_resolution: 'minute' }, /hour or day/],
    [
      'stats_overview',
      { p_site: 'ordered', p_from: range.p_to, p_to: range.p_from },
      /after p_from/,
    ],
  ] as [string, object, RegExp][])('%s %j', async (fn, args, message) => {
    const error = await rpcError(dashboard, fn, args);
    expect(error.status).toBe(400);
    expect(error.code).toBe('22023');
    expect(error.message).toMatch(message);
  });
});
