/**
 * The report SQL's shape and refusals. That its answers equal Postgres' is shown end to end in
 * apps/ingest/test/e2e/analytics-engine-equivalence.test.ts (the local engine runs them).
 */
import { describe, expect, it } from 'vitest';
import type { AeQueryError } from '../src/index.js';
import {
  breakdownSql,
  dailyVisitorsSql,
  legacyOverviewSql,
  overviewSql,
  pageBouncesSql,
  readTotals,
  sqlString,
  timeseriesSql,
} from '../src/index.js';

const q = { site: 'demo', from: Date.UTC(2026, 0, 1), to: Date.UTC(2026, 0, 8) };

describe('Analytics Engine report SQL', () => {
  it('reads format-2 points of the site whose session started in the range', () => {
    const sql = overviewSql(q);
    expect(sql).toContain("index1 = 'demo'");
    expect(sql).toContain('double1 = 2');
    expect(sql).toContain(`double2 >= ${q.from}`);
    expect(sql).toContain(`double2 < ${q.to}`);
    expect(sql).toContain('SUM(_sample_interval * double4) AS pageviews');
    expect(sql).toContain('max(_sample_interval) AS sample_interval');
    expect(sql.endsWith('FORMAT JSON')).toBe(true);
  });

  it("turns a page filter into that page's measures and its entry bounces", () => {
    const sql = overviewSql({ ...q, filters: { page: '/a', country: 'DE' } });
    expect(sql).toContain("blob6 = 'DE'");
    expect(sql).toContain("(blob3 = '/a' OR blob19 = '/a')");
    expect(sql).toContain("SUM(_sample_interval * if(blob3 = '/a', double7, 0)) AS visits");
    expect(sql).toContain("SUM(_sample_interval * if(blob19 = '/a', double8, 0)) AS bounces");
  });

  it('escapes values as Analytics Engine string literals', () => {
    expect(sqlString("it's")).toBe("'it\\'s'");
    expect(sqlString('a\\b')).toBe("'a\\\\b'");
    expect(overviewSql({ ...q, filters: { city: "O'Brien\\" } })).toContain(
      "blob8 = 'O\\'Brien\\\\'",
    );
  });

  it('groups breakdowns by the dimension, time series by the session hour or day', () => {
    expect(breakdownSql(q, 'device', 5)).toMatch(
      /SELECT blob9 AS value, .* GROUP BY value HAVING visits > 0 ORDER BY visitors DESC, visits DESC, value LIMIT 5/,
    );
    expect(breakdownSql(q, 'page')).toContain('SELECT blob3 AS value');
    expect(breakdownSql(q, 'event')).toContain("blob2 = 'custom'");
    expect(pageBouncesSql(q, ['/a', '/b'])).toContain("blob19 IN ('/a', '/b')");
    expect(timeseriesSql(q, 'hour')).toContain('SELECT double2 AS bucket');
    expect(timeseriesSql(q, 'day')).toContain('SELECT double11 AS bucket');
    expect(dailyVisitorsSql(q)).toContain('SUM(_sample_interval * double6) AS visitors');
  });

  it('refuses what sums of points cannot answer, with a stable code', () => {
    const refused = (f: () => string) => {
      try {
        f();
      } catch (error) {
        return (error as AeQueryError).code;
      }
      return 'answered';
    };
    expect(refused(() => overviewSql({ ...q, filters: { event: 'signup' } }))).toBe(
      'unsupported_filter',
    );
    expect(refused(() => breakdownSql(q, 'exit_page'))).toBe('unsupported_dimension');
    expect(refused(() => dailyVisitorsSql({ ...q, filters: { country: 'DE' } }))).toBe(
      'unsupported_filter',
    );
    expect(refused(() => overviewSql({ ...q, to: q.from }))).toBe('invalid_range');
    expect(refused(() => breakdownSql(q, 'event', 3))).toBe('answered');
  });

  it('reads format-1 points with their own columns', () => {
    const sql = legacyOverviewSql({ ...q, filters: { country: 'DE' } });
    expect(sql).toContain('double1 = 1');
    expect(sql).toContain('count(DISTINCT blob18) AS visits');
    expect(sql).toContain("blob6 = 'DE'");
  });

  it('reads answers, 64-bit numbers as strings included, and says when visitors are a bound', () => {
    expect(
      readTotals({
        visitors: '3',
        visits: '4',
        pageviews: 9,
        bounces: 1,
        engaged_ms: '1500',
        sample_interval: 1,
      }),
    ).toEqual({
      visitors: 3,
      visitorsExact: true,
      visits: 4,
      pageviews: 9,
      bounces: 1,
      engagedMs: 1500,
      sampleInterval: 1,
    });
    expect(readTotals({ visitors: 3, sample_interval: 10 })).toMatchObject({
      visitorsExact: false,
      bounces: null,
    });
  });
});
