/** The headline metrics: how each is read from the overview and formatted. */
import type { OverviewNumbers, TimeseriesRow } from '../../lib/api.js';
import { formatCount, formatDuration, formatPercent } from '../../lib/format.js';

export type MetricKey = 'visitors' | 'visits' | 'pageviews' | 'bounce_rate' | 'avg_engaged_ms';
/** Metrics the time series can plot (bounce rate has no series). */
export type SeriesMetric = 'visitors' | 'visits' | 'pageviews' | 'engaged_ms';

export interface MetricDef {
  key: MetricKey;
  label: string;
  format: (n: number) => string;
  /** Lower is better (bounce rate): flips the colour of the change. */
  inverse?: boolean;
  series: SeriesMetric;
}

export const METRICS: readonly MetricDef[] = [
  { key: 'visitors', label: 'Visitors', format: formatCount, series: 'visitors' },
  { key: 'visits', label: 'Visits', format: formatCount, series: 'visits' },
  { key: 'pageviews', label: 'Pageviews', format: formatCount, series: 'pageviews' },
  {
    key: 'bounce_rate',
    label: 'Bounce rate',
    format: formatPercent,
    inverse: true,
    series: 'visits',
  },
  {
    key: 'avg_engaged_ms',
    label: 'Avg. engaged time',
    format: formatDuration,
    series: 'engaged_ms',
  },
];

export const SERIES_FORMAT: Record<SeriesMetric, (n: number) => string> = {
  visitors: formatCount,
  visits: formatCount,
  pageviews: formatCount,
  engaged_ms: formatDuration,
};

export const SERIES_LABEL: Record<SeriesMetric, string> = {
  visitors: 'Visitors',
  visits: 'Visits',
  pageviews: 'Pageviews',
  engaged_ms: 'Engaged time',
};

export const metricValue = (o: OverviewNumbers, key: MetricKey): number => o[key] ?? 0;
export const seriesValue = (r: TimeseriesRow, key: SeriesMetric): number => r[key] ?? 0;
