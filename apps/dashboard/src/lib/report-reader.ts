/**
 * Which reader answers the overview, time series and breakdown cards for a segment and a
 * comparison: the report RPCs when they can (every filter `is` with one value, compared with the
 * previous period), else the Stats API of the ingest Worker with its comparison period.
 * The one place that decides; the cards ask a ReportReader and show whether a figure is an
 * estimate (the Stats API's `meta.exact` false, when Analytics Engine sampled).
 */
import { ApiError, type Api, type ApiResult, type BreakdownRow, type Overview } from './api.js';
import type { OverviewNumbers, TimeseriesRow } from './api.js';
import type { Dimension } from './dimensions.js';
import { startOfZonedDay, zonedDay, zoneOffsetMs } from './date-range.js';
import { rpcFilters, statsFilters, type Segment } from './segment.js';
import type { Compare } from './url-state.js';
import type {
  CsvFile,
  StatsAnswer,
  StatsBody,
  StatsClient,
  StatsReport,
  StatsTotals,
} from './stats-client.js';

/** A report's data and whether every figure in it is exact. */
export interface Reading<T> {
  data: T;
  exact: boolean;
}

export interface Series {
  current: TimeseriesRow[];
  previous: TimeseriesRow[];
}

export interface ReportQuery {
  site: string;
  from: Date;
  to: Date;
}

export interface ReportReader {
  /** `rpc`: the report RPCs; `stats_api`: the ingest Worker's Stats API. */
  via: 'rpc' | 'stats_api';
  overview(q: ReportQuery): Promise<ApiResult<Reading<Overview>>>;
  /** The range's buckets and the comparison period's (`previous`: the RPCs' previous period). */
  timeseries(
    q: ReportQuery & {
      resolution: 'hour' | 'day';
      timeZone: string;
      previous: { from: Date; to: Date };
    },
  ): Promise<ApiResult<Reading<Series>>>;
  breakdown(
    q: ReportQuery & { dimension: Dimension; limit: number },
  ): Promise<ApiResult<Reading<BreakdownRow[]>>>;
  /**
   * A report card as CSV, always from the Stats API (the RPCs have no CSV); null where the
   * dashboard has no Stats API (public dashboards).
   */
  csv:
    | ((
        report: StatsReport,
        q: ReportQuery & { resolution?: 'hour' | 'day'; dimension?: Dimension; limit?: number },
      ) => Promise<ApiResult<CsvFile>>)
    | null;
}

const exact = <T>(res: ApiResult<T>): ApiResult<Reading<T>> =>
  res.error ? res : { data: { data: res.data, exact: true }, error: null };

export function reportReader(
  api: Api,
  stats: StatsClient | null,
  segment: Segment,
  compare: Compare = 'previous_period',
): ReportReader {
  const filters = rpcFilters(segment);
  const csv: ReportReader['csv'] = stats
    ? (report, { site, from, to, ...extra }) =>
        stats.csv(site, report, {
          from: from.toISOString(),
          to: to.toISOString(),
          filters: statsFilters(segment),
          ...extra,
        })
    : null;
  // The RPCs compare with the previous period only.
  if (filters && compare === 'previous_period') {
    return {
      via: 'rpc',
      csv,
      overview: async (q) => exact(await api.overview({ ...q, filters })),
      async timeseries({ site, from, to, resolution, previous }) {
        const [current, before] = await Promise.all([
          api.timeseries({ site, from, to, resolution, filters }),
          api.timeseries({ site, ...previous, resolution, filters }),
        ]);
        if (current.error) return current;
        if (before.error) return before;
        return {
          data: { data: { current: current.data, previous: before.data }, exact: true },
          error: null,
        };
      },
      breakdown: async (q) => exact(await api.breakdown({ ...q, filters })),
    };
  }
  const read = async <R>(
    q: ReportQuery,
    report: 'overview' | 'timeseries' | 'breakdown',
    extra: Partial<StatsBody> = {},
  ): Promise<ApiResult<StatsAnswer<R>>> => {
    if (!stats) {
      const message = 'these filters need the Stats API, which this dashboard cannot read';
      return { data: null, error: new ApiError(message, 'request', 0, 'stats_api_unavailable') };
    }
    const body = {
      from: q.from.toISOString(),
      to: q.to.toISOString(),
      filters: statsFilters(segment),
      ...extra,
    };
    const res = await stats.read<R>(q.site, report, body);
    // A comparison period older than any store holds for these filters (a year back is past
    // Analytics Engine's retention) should not cost the current figures: ask again without it,
    // and the card shows no comparison.
    if (res.error?.reason === 'beyond_retention' && extra.compare) {
      const { compare: _dropped, ...current } = body;
      return stats.read<R>(q.site, report, current);
    }
    return res;
  };
  return {
    via: 'stats_api',
    csv,
    async overview(q) {
      const res = await read<StatsTotals>(q, 'overview', { compare });
      if (res.error) return res;
      const { meta, results, comparison } = res.data;
      const previous = comparison ? numbers(comparison.results) : numbers(EMPTY);
      return {
        data: {
          data: { ...numbers(results), previous },
          exact: meta.exact && (comparison?.meta.exact ?? true),
        },
        error: null,
      };
    },
    async timeseries(q) {
      const res = await read<(StatsTotals & { bucket: string })[]>(q, 'timeseries', {
        resolution: q.resolution,
        compare,
      });
      if (res.error) return res;
      const { results, meta, comparison } = res.data;
      const fill = (list: typeof results, from: Date, to: Date) =>
        fillBuckets(
          list.map((r) => ({ ...numbers(r), bucket: r.bucket })),
          from,
          to,
          q.resolution,
          q.timeZone,
        );
      return {
        data: {
          data: {
            current: fill(results, q.from, q.to),
            // The comparison period as the API resolved it (a year back keeps local days).
            previous: comparison
              ? fill(
                  comparison.results,
                  new Date(comparison.meta.from),
                  new Date(comparison.meta.to),
                )
              : [],
          },
          exact: meta.exact && (comparison?.meta.exact ?? true),
        },
        error: null,
      };
    },
    async breakdown(q) {
      const res = await read<(StatsTotals & { value: string })[]>(q, 'breakdown', {
        dimension: q.dimension,
        limit: q.limit,
      });
      if (res.error) return res;
      const rows = res.data.results.map((r) => ({ ...numbers(r), value: r.value }));
      return { data: { data: rows, exact: res.data.meta.exact }, error: null };
    },
  };
}

const EMPTY: StatsTotals = { visitors: 0, visits: 0, pageviews: 0, bounceRate: 0, engagedMs: 0 };

/** The Stats API's figures in the RPCs' shape, so the cards read one shape. */
function numbers(t: StatsTotals): OverviewNumbers {
  return {
    visitors: t.visitors,
    visits: t.visits,
    pageviews: t.pageviews,
    bounce_rate: t.bounceRate ?? 0,
    engaged_ms: t.engagedMs,
    avg_engaged_ms: t.visits > 0 ? Math.round(t.engagedMs / t.visits) : 0,
  };
}

const HOUR = 3_600_000;

/**
 * The Stats API lists buckets with visits only; the chart (like the RPCs) wants every bucket of
 * the range, local hours or local days of the site's time zone.
 */
export function fillBuckets(
  rows: readonly TimeseriesRow[],
  from: Date,
  to: Date,
  resolution: 'hour' | 'day',
  timeZone: string,
): TimeseriesRow[] {
  const byTime = new Map(rows.map((r) => [Date.parse(r.bucket), r]));
  const out: TimeseriesRow[] = [];
  let t =
    resolution === 'day'
      ? startOfZonedDay(zonedDay(from, timeZone), timeZone).getTime()
      : from.getTime() - mod(from.getTime() + zoneOffsetMs(timeZone, from), HOUR);
  while (t < to.getTime()) {
    const bucket = new Date(t).toISOString();
    out.push(byTime.get(t) ?? { bucket, visitors: 0, visits: 0, pageviews: 0, engaged_ms: 0 });
    t = resolution === 'day' ? nextZonedDay(t, timeZone) : t + HOUR;
  }
  return out;
}

function mod(a: number, m: number): number {
  return ((a % m) + m) % m;
}

function nextZonedDay(t: number, timeZone: string): number {
  const [y, m, d] = zonedDay(new Date(t), timeZone).split('-').map(Number) as [
    number,
    number,
    number,
  ];
  const next = new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
  return startOfZonedDay(next, timeZone).getTime();
}
