import { describe, expect, it, vi } from 'vitest';
import { ApiError, type Api } from '../../src/lib/api.js';
import { fillBuckets, reportReader } from '../../src/lib/report-reader.js';
import { addCondition, clickFilter, rpcFilters, type Segment } from '../../src/lib/segment.js';
import type { StatsClient } from '../../src/lib/stats-client.js';

const totals = { visitors: 3, visits: 4, pageviews: 9, bounceRate: 0.25, engagedMs: 2000 };

function fakes() {
  const overview = vi.fn((_q: unknown) =>
    Promise.resolve({
      data: { visitors: 1, visits: 1, pageviews: 1, previous: {} },
      error: null,
    }),
  );
  const timeseries = vi.fn((_q: unknown) => Promise.resolve({ data: [], error: null }));
  const api = {
    overview,
    breakdown: vi.fn(() => Promise.resolve({ data: [], error: null })),
    timeseries,
  } as unknown as Api;
  const read = vi.fn((_site: string, report: string, _body: unknown) =>
    Promise.resolve({
      data: {
        meta: { source: 'analytics_engine' as const, exact: report !== 'breakdown' },
        results:
          report === 'overview'
            ? totals
            : report === 'breakdown'
              ? [{ ...totals, value: 'google.com' }]
              : [{ ...totals, bucket: '2026-03-29T01:00:00.000Z' }],
        comparison:
          report === 'overview'
            ? {
                meta: { source: 'postgres' as const, exact: true },
                results: { ...totals, visits: 2 },
              }
            : report === 'timeseries'
              ? {
                  // A year back, as the API resolved it.
                  meta: {
                    source: 'postgres' as const,
                    exact: true,
                    from: '2025-03-29T00:00:00.000Z',
                    to: '2025-03-29T02:00:00.000Z',
                  },
                  results: [{ ...totals, visits: 7, bucket: '2025-03-29T00:00:00.000Z' }],
                }
              : null,
      },
      error: null,
    }),
  );
  return { api, overview, timeseries, read, stats: { read } as unknown as StatsClient };
}

const q = {
  site: 's',
  from: new Date('2026-03-29T00:00:00Z'),
  to: new Date('2026-03-29T04:00:00Z'),
};

describe('which reader answers a segment', () => {
  it('keeps the report RPCs for "is" filters with one value each', async () => {
    const { api, overview: rpcOverview, read, stats } = fakes();
    const segment: Segment = [{ op: 'is', dimension: 'country', values: ['DE'] }];
    const reader = reportReader(api, stats, segment);
    expect(reader.via).toBe('rpc');
    const res = await reader.overview(q);
    expect(res.data?.exact).toBe(true);
    expect(rpcOverview).toHaveBeenCalledWith({ ...q, filters: { country: 'DE' } });
    expect(read).not.toHaveBeenCalled();
  });

  it('asks the Stats API for other operators, several values, and says what is estimated', async () => {
    const { api, overview: rpcOverview, read, stats } = fakes();
    let segment: Segment = [];
    segment = addCondition(segment, { op: 'is_not', dimension: 'country', values: ['DE'] });
    segment = addCondition(segment, { op: 'is_not', dimension: 'country', values: ['AT'] });
    segment = addCondition(segment, { op: 'contains', dimension: 'referrer', values: ['google'] });
    segment = clickFilter(segment, 'device', 'mobile');
    expect(rpcFilters(segment)).toBe(null);
    const reader = reportReader(api, stats, segment);
    expect(reader.via).toBe('stats_api');

    const overview = await reader.overview(q);
    expect(read).toHaveBeenLastCalledWith('s', 'overview', {
      from: '2026-03-29T00:00:00.000Z',
      to: '2026-03-29T04:00:00.000Z',
      compare: 'previous_period',
      filters: [
        ['is_not', 'country', ['DE', 'AT']],
        ['contains', 'referrer', ['google']],
        ['is', 'device', ['mobile']],
      ],
    });
    expect(overview.data).toEqual({
      exact: true,
      data: {
        visitors: 3,
        visits: 4,
        pageviews: 9,
        bounce_rate: 0.25,
        engaged_ms: 2000,
        avg_engaged_ms: 500,
        previous: {
          visitors: 3,
          visits: 2,
          pageviews: 9,
          bounce_rate: 0.25,
          engaged_ms: 2000,
          avg_engaged_ms: 1000,
        },
      },
    });

    const rows = await reader.breakdown({ ...q, dimension: 'referrer', limit: 10 });
    expect(rows.data?.exact).toBe(false);
    expect(rows.data?.data[0]).toMatchObject({
      value: 'google.com',
      visitors: 3,
      bounce_rate: 0.25,
    });
    expect(rpcOverview).not.toHaveBeenCalled();
  });

  it('keeps the current figures when only the comparison period is beyond what any store holds', async () => {
    // A year back with a filter only Analytics Engine applies is past its retention: the API
    // refuses the request; the overview used to show that error instead of this period's figures.
    const { api } = fakes();
    const read = vi.fn((_site: string, _report: string, body: { compare?: string }) =>
      Promise.resolve(
        body.compare
          ? {
              data: null,
              error: new ApiError('the comparison period: …', 'request', 422, 'beyond_retention'),
            }
          : {
              data: { meta: { source: 'analytics_engine' as const, exact: true }, results: totals },
              error: null,
            },
      ),
    );
    const segment: Segment = [{ op: 'is_not', dimension: 'browser', values: ['Firefox'] }];
    const reader = reportReader(api, { read } as unknown as StatsClient, segment, 'previous_year');
    const res = await reader.overview(q);
    expect(res.error).toBeNull();
    expect(res.data?.data).toMatchObject({ visitors: 3, visits: 4 });
    expect(read.mock.calls.map(([, , body]) => body.compare ?? null)).toEqual([
      'previous_year',
      null,
    ]);
  });

  it('refuses with a stable reason where the dashboard has no Stats API (public dashboards)', async () => {
    const { api } = fakes();
    const reader = reportReader(api, null, [{ op: 'contains', dimension: 'os', values: ['x'] }]);
    const res = await reader.overview(q);
    expect(res.error?.reason).toBe('stats_api_unavailable');
  });
});

const hours = {
  ...q,
  resolution: 'hour' as const,
  previous: { from: new Date('2026-03-28T20:00:00Z'), to: q.from },
};

describe('comparing', () => {
  it('asks the Stats API for the same period last year, even without filters', async () => {
    const { api, overview: rpcOverview, timeseries, read, stats } = fakes();
    const reader = reportReader(api, stats, [], 'previous_year');
    expect(reader.via).toBe('stats_api');
    const res = await reader.overview(q);
    expect(read.mock.calls[0]?.[2]).toMatchObject({ compare: 'previous_year', filters: [] });
    expect(res.data?.data.previous.visits).toBe(2);
    expect(rpcOverview).not.toHaveBeenCalled();
    // The previous period with RPC filters stays with the RPCs, both ranges asked of them.
    const rpc = reportReader(api, stats, [], 'previous_period');
    expect(rpc.via).toBe('rpc');
    await rpc.timeseries({ ...hours, timeZone: 'UTC' });
    expect(timeseries).toHaveBeenCalledTimes(2);
  });
});

describe('time-series buckets', () => {
  it('fills the hours the Stats API leaves out, in the site time zone', async () => {
    const { api, stats } = fakes();
    const reader = reportReader(api, stats, [{ op: 'is_not', dimension: 'os', values: ['x'] }]);
    const res = await reader.timeseries({ ...hours, timeZone: 'Asia/Kolkata' });
    // Kolkata is UTC+5:30: its hours start at half past in UTC.
    expect(res.data?.data.current.map((r) => [r.bucket, r.visits])).toEqual([
      ['2026-03-28T23:30:00.000Z', 0],
      ['2026-03-29T00:30:00.000Z', 0],
      ['2026-03-29T01:30:00.000Z', 0],
      ['2026-03-29T02:30:00.000Z', 0],
      ['2026-03-29T03:30:00.000Z', 0],
    ]);
    const utc = await reader.timeseries({ ...hours, timeZone: 'UTC' });
    expect(utc.data?.data.current.map((r) => r.visits)).toEqual([0, 4, 0, 0]);
    // The comparison's buckets span the period the API compared with.
    expect(utc.data?.data.previous.map((r) => [r.bucket, r.visits])).toEqual([
      ['2025-03-29T00:00:00.000Z', 7],
      ['2025-03-29T01:00:00.000Z', 0],
    ]);
  });

  it('steps local days across a DST change', () => {
    const days = fillBuckets(
      [],
      new Date('2026-03-27T23:00:00Z'),
      new Date('2026-03-30T22:00:00Z'),
      'day',
      'Europe/Berlin',
    );
    expect(days.map((d) => d.bucket)).toEqual([
      '2026-03-27T23:00:00.000Z',
      '2026-03-28T23:00:00.000Z',
      '2026-03-29T22:00:00.000Z',
    ]);
  });
});

describe('the operators the filter bar offers', () => {
  it('agree with what the Stats API applies to each dimension (packages/schema)', async () => {
    const { STATS_DIMENSIONS } = await import('@sightline/schema');
    const { operatorsFor, OPERATORS } = await import('../../src/lib/segment.js');
    for (const [dimension, can] of Object.entries(STATS_DIMENSIONS)) {
      expect(operatorsFor(dimension as never), dimension).toEqual(
        can.aeFilter === 'all' ? OPERATORS : ['is'],
      );
    }
  });
});
