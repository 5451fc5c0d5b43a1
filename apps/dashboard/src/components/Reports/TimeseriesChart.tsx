/**
 * A small own SVG line chart: the current period against the previous one (dashed). Written by
 * hand because a charting library would cost more than the whole first-load budget allows.
 */
import type { TimeseriesRow } from '../../lib/api.js';
import type { ApiResult } from '../../lib/api.js';
import type { CsvFile } from '../../lib/stats-client.js';
import { Estimated } from './Estimated.js';
import { ExportCsv } from './ExportCsv.js';
import { SERIES_FORMAT, SERIES_LABEL, seriesValue, type SeriesMetric } from './metrics.js';

interface Props {
  current: readonly TimeseriesRow[];
  previous: readonly TimeseriesRow[];
  metric: SeriesMetric;
  resolution: 'hour' | 'day';
  timeZone: string;
  /** Some figure is an estimate (the Stats API sampled). */
  estimated?: boolean;
  /** What `previous` is ("previous period", "same period last year"). */
  previousLabel?: string;
  /** Downloads the series as CSV; null: no export (no Stats API). */
  exportCsv?: (() => Promise<ApiResult<CsvFile>>) | null;
  /** A newer answer is loading (the one shown is the previous one). */
  busy?: boolean;
}

const W = 800;
const H = 220;
const PAD = { top: 12, right: 12, bottom: 26, left: 48 };

function path(values: number[], max: number): string {
  const n = Math.max(values.length - 1, 1);
  return values
    .map((v, i) => {
      const x = PAD.left + (i / n) * (W - PAD.left - PAD.right);
      const y = PAD.top + (1 - v / max) * (H - PAD.top - PAD.bottom);
      return `${i === 0 ? 'M' : 'L'}${x.toFixed(1)},${y.toFixed(1)}`;
    })
    .join('');
}

export function TimeseriesChart({
  current,
  previous,
  metric,
  resolution,
  timeZone,
  estimated = false,
  busy = false,
  exportCsv = null,
  previousLabel = 'previous period',
}: Props) {
  const cur = current.map((r) => seriesValue(r, metric));
  const prev = previous.map((r) => seriesValue(r, metric));
  const max = Math.max(1, ...cur, ...prev);
  const fmt = SERIES_FORMAT[metric];
  const label = new Intl.DateTimeFormat(
    undefined,
    resolution === 'hour'
      ? { hour: '2-digit', minute: '2-digit', timeZone }
      : { month: 'short', day: 'numeric', timeZone },
  );
  const ticks =
    current.length > 1 ? [0, Math.floor((current.length - 1) / 2), current.length - 1] : [0];
  const n = Math.max(current.length - 1, 1);
  const xAt = (i: number): number => PAD.left + (i / n) * (W - PAD.left - PAD.right);
  const slot = (W - PAD.left - PAD.right) / Math.max(current.length, 1);

  return (
    <figure className="card chart" aria-busy={busy}>
      <figcaption>
        {SERIES_LABEL[metric]} <span className="legend-current">this period</span>{' '}
        <span className="legend-previous">{previousLabel}</span>
        {estimated && <Estimated />}
        {exportCsv && <ExportCsv what="the time series" load={exportCsv} />}
      </figcaption>
      <svg
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-label={`${SERIES_LABEL[metric]} over time`}
        data-testid="timeseries"
      >
        {[0, 0.5, 1].map((f) => {
          const y = PAD.top + (1 - f) * (H - PAD.top - PAD.bottom);
          return (
            <g key={f}>
              <line x1={PAD.left} x2={W - PAD.right} y1={y} y2={y} className="grid" />
              <text x={PAD.left - 6} y={y + 4} textAnchor="end" className="axis">
                {fmt(max * f)}
              </text>
            </g>
          );
        })}
        {prev.length > 0 && <path d={path(prev, max)} className="line previous" />}
        {cur.length > 0 && <path d={path(cur, max)} className="line current" />}
        {ticks.map((i) =>
          current[i] ? (
            <text
              key={i}
              x={xAt(i)}
              y={H - 6}
              textAnchor={i === 0 ? 'start' : i === current.length - 1 ? 'end' : 'middle'}
              className="axis"
            >
              {label.format(new Date(current[i].bucket))}
            </text>
          ) : null,
        )}
        {current.map((r, i) => (
          <rect
            key={r.bucket}
            x={xAt(i) - slot / 2}
            y={PAD.top}
            width={slot}
            height={H - PAD.top - PAD.bottom}
            className="hit"
          >
            <title>
              {label.format(new Date(r.bucket))}: {fmt(cur[i] ?? 0)}
              {prev[i] !== undefined ? ` (previous ${fmt(prev[i])})` : ''}
            </title>
          </rect>
        ))}
      </svg>
    </figure>
  );
}
