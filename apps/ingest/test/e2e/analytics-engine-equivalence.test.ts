/**
 * The reports answered from Analytics Engine sums equal the Postgres reports for the same events:
 * beacons through the Worker (Miniflare) → SiteLive → both stores (the devstack's Postgres via
 * ingest_batch, its local Analytics Engine via EVENTS_AE), from visits in several countries, on
 * desktop and mobile, with custom events; then the overview, the hourly and daily time series and
 * the page, referrer, country, device and custom event breakdowns from each, without a filter and
 * with a page, referrer, country or device filter. Nothing is sampled locally, so every figure
 * must be equal (visitors included). (An `event` filter is Postgres' alone: sessions that sent an
 * event have their page views on other points; the planner never asks Analytics Engine for it.)
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

const DAY = 86_400_000;
const IPHONE_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';

/** The figures both stores answer for a range, a bucket or a breakdown row. */
interface Totals {
  visitors: number;
  visits: number;
  pageviews: number;
  engaged_ms: number;
}
const near = (a: number, b: number) => Math.abs(a - b) < 1e-9;

describe('reports from Analytics Engine equal the Postgres reports', () => {
  it('overview, hourly and daily series, page / referrer / country / device / event breakdowns, with and without a filter', async () => {
    const site = await createSite({ timezone: 'UTC', store_raw: false });
    const a = newVisit();
    const b = newVisit();
    const c = newVisit();
    const d = newVisit();
    // The first visitor's second visit, from another country on another device.
    const e = { visitor: a.visitor, session: newVisit().session };
    const google = 'https://www.google.com/';
    const custom = (v: typeof a, name: string, url: string) => ({
      ...pageview(v, { url, referrer: undefined }),
      type: 'custom',
      name,
    });
    const visits: { country: string; ua?: string; events: Record<string, unknown>[] }[] = [
      {
        // a: enters on /pricing, reads, moves to /docs, reads, signs up: not a bounce.
        country: 'DE',
        events: [
          pageview(a, { url: '/pricing', referrer: google }),
          heartbeat(a, { url: '/pricing', engagedMs: 5_000 }),
          pageview(a, { url: '/docs', referrer: google }),
          heartbeat(a, { url: '/docs', engagedMs: 3_000 }),
          custom(a, 'signup', '/docs'),
        ],
      },
      // b: one page on a phone, a bounce.
      {
        country: 'US',
        ua: IPHONE_UA,
        events: [pageview(b, { url: '/pricing', referrer: undefined })],
      },
      {
        // c: enters on /docs from Google on a phone, reads, two events: a bounce with engaged time.
        country: 'DE',
        ua: IPHONE_UA,
        events: [
          pageview(c, { url: '/docs', referrer: google }),
          heartbeat(c, { url: '/docs', engagedMs: 2_000 }),
          custom(c, 'signup', '/docs'),
          custom(c, 'newsletter', '/docs'),
        ],
      },
      {
        // d: /docs then /pricing then /docs again, the newsletter twice (one visit of the event).
        country: 'FR',
        events: [
          pageview(d, { url: '/docs', referrer: undefined }),
          pageview(d, { url: '/pricing' }),
          pageview(d, { url: '/docs', referrer: undefined }),
          heartbeat(d, { url: '/docs', engagedMs: 1_000 }),
          custom(d, 'newsletter', '/docs'),
          custom(d, 'newsletter', '/docs'),
        ],
      },
      {
        // e: the first visitor again, on a phone in the US: /blog and a signup.
        country: 'US',
        ua: IPHONE_UA,
        events: [
          pageview(e, { url: '/blog', referrer: google }),
          heartbeat(e, { url: '/blog', engagedMs: 4_000 }),
          custom(e, 'signup', '/blog'),
        ],
      },
    ];
    let sent = 0;
    for (const v of visits) {
      const res = await post(batch(site, v.events), {
        ua: v.ua,
        headers: { 'x-sightline-dev-geo': JSON.stringify({ country: v.country }) },
      });
      expect(res.status).toBe(202);
      sent += v.events.length;
    }
    await acceptedAtLeast(site, sent);
    await drain(site);
    const pointsWritten = await pollUntil(async () => {
      const [row] = await sql(
        `SELECT count() AS n FROM sightline_events WHERE index1 = '${site}' FORMAT JSON`,
      );
      return Number(row?.n) >= sent && Number(row?.n);
    });
    expect(pointsWritten).toBe(sent);

    const now = Date.now();
    const from = Math.floor(now / DAY) * DAY - DAY;
    const to = Math.floor(now / DAY) * DAY + DAY;
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

    const cases: Record<string, string>[] = [
      {},
      { page: '/docs' },
      { referrer: top!.value },
      { country: 'DE' },
      { device: 'mobile' },
      { country: 'US', device: 'mobile' },
    ];
    for (const filters of cases) {
      const q: AeReportQuery = { site, from, to, filters };
      const label = JSON.stringify(filters);

      const overview = await rpc<Totals & { bounce_rate: number }>('stats_overview', {
        ...pg,
        p_filters: filters,
      });
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

      for (const resolution of ['hour', 'day'] as const) {
        const series = await rpc<(Totals & { bucket: string })[]>('stats_timeseries', {
          ...pg,
          p_resolution: resolution,
          p_filters: filters,
        });
        const aeSeries = (await sql(timeseriesSql(q, resolution))).map((row) => ({
          bucket: Number(row.bucket),
          ...readTotals(row),
        }));
        expect(
          aeSeries.map((r) => [r.bucket, r.visitors, r.visits, r.pageviews, r.engagedMs]),
          `${label} by ${resolution}`,
        ).toEqual(
          series
            .filter((r) => r.visits > 0)
            .map((r) => [Date.parse(r.bucket), r.visitors, r.visits, r.pageviews, r.engaged_ms]),
        );
      }

      const pages = await rpc<(Totals & { value: string; bounce_rate: number })[]>(
        'stats_breakdown',
        { ...pg, p_dimension: 'page', p_filters: filters },
      );
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

      for (const dimension of ['referrer', 'country', 'device', 'event']) {
        const rows = await rpc<(Totals & { value: string })[]>('stats_breakdown', {
          ...pg,
          p_dimension: dimension,
          p_filters: filters,
        });
        const aeRows = (await sql(breakdownSql(q, dimension))).map((row) => ({
          value: String(row.value),
          ...readTotals(row),
        }));
        expect(
          aeRows.map((r) => [r.value, r.visitors, r.visits, r.pageviews]),
          `${label} by ${dimension}`,
        ).toEqual(rows.map((r) => [r.value, r.visitors, r.visits, r.pageviews]));
        if (Object.keys(filters).length === 0)
          expect(rows.length, `by ${dimension}: more than one value`).toBeGreaterThan(1);
      }
    }
  });
});
