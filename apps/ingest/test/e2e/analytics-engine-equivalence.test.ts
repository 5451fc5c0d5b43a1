/**
 * The reports answered from Analytics Engine sums equal the Postgres reports for the same events:
 * beacons through the Worker (Miniflare) → SiteLive → both stores (the devstack's Postgres via
 * ingest_batch, its local Analytics Engine via EVENTS_AE), then the overview, the hourly time
 * series and the page and referrer breakdowns from each, with and without a filter. Nothing is
 * sampled locally, so every figure must be equal (visitors included).
 */
import {
  breakdownSql,
  overviewSql,
  pageBouncesSql,
  readTotals,
  timeseriesSql,
  type AeReportQuery,
} from '@sightline/schema';
import { describe, expect, inject, it } from 'vitest';
import '../support/e2e-context.js';
import { createSite, db, drain } from '../support/e2e-db.js';
import { pollUntil } from '@sightline/test-utils';
import { batch, heartbeat, newVisit, pageview, post } from '../support/helpers.js';
import { acceptedAtLeast } from '../support/site-live.js';

async function sql(query: string): Promise<Record<string, unknown>[]> {
  const res = await fetch(inject('analyticsEngineSqlUrl'), {
    method: 'POST',
    headers: { authorization: `Bearer ${inject('analyticsEngineApiToken')}` },
    body: query,
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${res.status} ${text}`);
  return (JSON.parse(text) as { data: Record<string, unknown>[] }).data;
}

async function rpc<T>(name: string, args: Record<string, unknown>): Promise<T> {
  const res = await db.rpc(name, args);
  expect(res.error).toBeNull();
  return res.data as T;
}

const HOUR = 3_600_000;
const near = (a: number, b: number) => Math.abs(a - b) < 1e-9;

describe('reports from Analytics Engine equal the Postgres reports', () => {
  it('overview, hourly series and page / referrer breakdowns, with and without a filter', async () => {
    const site = await createSite({ timezone: 'UTC', store_raw: false });
    const a = newVisit();
    const b = newVisit();
    const c = newVisit();
    const d = newVisit();
    const google = 'https://www.google.com/';
    const events = [
      // a: enters on /pricing, reads, moves to /docs, reads: not a bounce.
      pageview(a, { url: '/pricing', referrer: google }),
      heartbeat(a, { url: '/pricing', engagedMs: 5_000 }),
      pageview(a, { url: '/docs', referrer: google }),
      heartbeat(a, { url: '/docs', engagedMs: 3_000 }),
      // b: one page, a bounce.
      pageview(b, { url: '/pricing', referrer: undefined }),
      // c: enters on /docs from Google, reads: a bounce with engaged time.
      pageview(c, { url: '/docs', referrer: google }),
      heartbeat(c, { url: '/docs', engagedMs: 2_000 }),
      // d: /docs then /pricing then /docs again.
      pageview(d, { url: '/docs', referrer: undefined }),
      pageview(d, { url: '/pricing' }),
      pageview(d, { url: '/docs', referrer: undefined }),
      heartbeat(d, { url: '/docs', engagedMs: 1_000 }),
    ];
    expect((await post(batch(site, events))).status).toBe(202);
    await acceptedAtLeast(site, events.length);
    await drain(site);
    const pointsWritten = await pollUntil(async () => {
      const [row] = await sql(
        `SELECT count() AS n FROM sightline_events WHERE index1 = '${site}' FORMAT JSON`,
      );
      return Number(row?.n) >= events.length && Number(row?.n);
    });
    expect(pointsWritten).toBe(events.length);

    const now = Date.now();
    const from = Math.floor(now / HOUR) * HOUR - 24 * HOUR;
    const to = Math.floor(now / HOUR) * HOUR + HOUR;
    const pg = {
      p_site: site,
      p_from: new Date(from).toISOString(),
      p_to: new Date(to).toISOString(),
    };

    // The referrer as the reports name it (its host, normalised by the Worker).
    const top = (
      await rpc<{ value: string }[]>('stats_breakdown', { ...pg, p_dimension: 'referrer' })
    ).find((r) => r.value !== '');
    expect(top?.value).toBeTruthy();

    const cases: Record<string, string>[] = [{}, { page: '/docs' }, { referrer: top!.value }];
    for (const filters of cases) {
      const q: AeReportQuery = { site, from, to, filters };
      const label = JSON.stringify(filters);

      const overview = await rpc<{
        visitors: number;
        visits: number;
        pageviews: number;
        bounce_rate: number;
        engaged_ms: number;
      }>('stats_overview', { ...pg, p_filters: filters });
      const ae = readTotals((await sql(overviewSql(q)))[0]);
      expect({ ...ae, bounce_rate: ae.visits ? ae.bounces! / ae.visits : 0 }, label).toMatchObject({
        visitors: overview.visitors,
        visits: overview.visits,
        pageviews: overview.pageviews,
        engagedMs: overview.engaged_ms,
        visitorsExact: true,
      });
      expect(near(ae.visits ? ae.bounces! / ae.visits : 0, overview.bounce_rate), label).toBe(true);
      expect(overview.visits, `${label}: the case is not empty`).toBeGreaterThan(0);

      const series = await rpc<
        {
          bucket: string;
          visitors: number;
          visits: number;
          pageviews: number;
          engaged_ms: number;
        }[]
      >('stats_timeseries', { ...pg, p_resolution: 'hour', p_filters: filters });
      const aeSeries = (await sql(timeseriesSql(q, 'hour'))).map((row) => ({
        bucket: Number(row.bucket),
        ...readTotals(row),
      }));
      expect(
        aeSeries.map((r) => [r.bucket, r.visitors, r.visits, r.pageviews, r.engagedMs]),
        label,
      ).toEqual(
        series
          .filter((r) => r.visits > 0)
          .map((r) => [Date.parse(r.bucket), r.visitors, r.visits, r.pageviews, r.engaged_ms]),
      );

      const pages = await rpc<
        {
          value: string;
          visitors: number;
          visits: number;
          pageviews: number;
          bounce_rate: number;
          engaged_ms: number;
        }[]
      >('stats_breakdown', { ...pg, p_dimension: 'page', p_filters: filters });
      const aePages = (await sql(breakdownSql(q, 'page'))).map((row) => ({
        value: String(row.value),
        ...readTotals(row),
      }));
      const bounces = new Map(
        (
          await sql(
            pageBouncesSql(
              q,
              aePages.map((p) => p.value),
            ),
          )
        ).map((row) => [String(row.value), Number(row.bounces)]),
      );
      expect(
        aePages.map((p) => [p.value, p.visitors, p.visits, p.pageviews, p.engagedMs]),
        label,
      ).toEqual(pages.map((p) => [p.value, p.visitors, p.visits, p.pageviews, p.engaged_ms]));
      for (const p of pages) {
        const rate = p.visits ? (bounces.get(p.value) ?? 0) / p.visits : 0;
        expect(near(rate, p.bounce_rate), `${label} ${p.value} bounce rate`).toBe(true);
      }

      const referrers = await rpc<
        { value: string; visitors: number; visits: number; pageviews: number; engaged_ms: number }[]
      >('stats_breakdown', { ...pg, p_dimension: 'referrer', p_filters: filters });
      const aeReferrers = (await sql(breakdownSql(q, 'referrer'))).map((row) => ({
        value: String(row.value),
        ...readTotals(row),
      }));
      expect(
        aeReferrers.map((r) => [r.value, r.visitors, r.visits, r.pageviews]),
        label,
      ).toEqual(referrers.map((r) => [r.value, r.visitors, r.visits, r.pageviews]));
    }
  });
});
