/** Headline numbers with the change against the comparison period; a click picks the chart metric. */
import type { Overview } from '../../lib/api.js';
import { change } from '../../lib/format.js';
import { Estimated } from './Estimated.js';
import { METRICS, metricValue, type MetricKey } from './metrics.js';

interface Props {
  overview: Overview | null;
  /** Some figure is an estimate (the Stats API sampled). */
  estimated?: boolean;
  selected: MetricKey;
  onSelect: (key: MetricKey) => void;
}

function Delta({ ratio, inverse }: { ratio: number | null; inverse?: boolean }) {
  if (ratio === null) return <span className="delta muted">–</span>;
  const good = inverse ? ratio < 0 : ratio > 0;
  const sign = ratio > 0 ? '+' : '';
  return (
    <span className={`delta ${ratio === 0 ? 'muted' : good ? 'up' : 'down'}`}>
      {sign}
      {Math.round(ratio * 100)}%
    </span>
  );
}

export function OverviewCards({ overview, estimated = false, selected, onSelect }: Props) {
  return (
    <div className="overview" role="group" aria-label="Overview">
      {estimated && <Estimated />}
      {METRICS.map((m) => (
        <button
          key={m.key}
          type="button"
          className="metric"
          aria-pressed={m.key === selected}
          onClick={() => onSelect(m.key)}
        >
          <span className="label">{m.label}</span>
          <span className="value" data-testid={`metric-${m.key}`}>
            {overview ? m.format(metricValue(overview, m.key)) : '…'}
          </span>
          {overview && (
            <Delta
              ratio={change(metricValue(overview, m.key), metricValue(overview.previous, m.key))}
              inverse={m.inverse}
            />
          )}
        </button>
      ))}
    </div>
  );
}
