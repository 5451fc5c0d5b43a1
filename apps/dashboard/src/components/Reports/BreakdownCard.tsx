/** One top list (with tabs for related dimensions); clicking a row filters the whole dashboard. */
import { useState, type CSSProperties } from 'react';
import type { Api, BreakdownRow, Filters } from '../../lib/api.js';
import { DIMENSION_LABELS, type Dimension } from '../../lib/dimensions.js';
import { formatCount, formatPercent } from '../../lib/format.js';
import { useQuery } from '../../hooks/useQuery.js';
import { UserText } from '../Text/UserText.js';

interface Props {
  api: Api;
  site: string;
  from: Date;
  to: Date;
  filters: Filters;
  dimensions: readonly Dimension[];
  onFilter: (dimension: Dimension, value: string) => void;
}

const LIMIT = 10;

export function BreakdownCard({ api, site, from, to, filters, dimensions, onFilter }: Props) {
  const [dimension, setDimension] = useState<Dimension>(dimensions[0]!);
  const key = JSON.stringify([site, dimension, from, to, filters]);
  const { data, error, loading } = useQuery(key, () =>
    api.breakdown({ site, from, to, filters, dimension, limit: LIMIT }),
  );
  const rows = data ?? [];
  const max = Math.max(1, ...rows.map((r) => r.visitors));
  // Views for pages, visits for custom events (how many visits fired it), bounce rate otherwise.
  const third: { label: string; cell: (r: BreakdownRow) => string } =
    dimension === 'page'
      ? { label: 'Views', cell: (r) => formatCount(r.pageviews) }
      : dimension === 'event'
        ? { label: 'Visits', cell: (r) => formatCount(r.visits) }
        : { label: 'Bounce', cell: (r) => formatPercent(r.bounce_rate) };

  return (
    <section
      className="card"
      aria-label={DIMENSION_LABELS[dimension]}
      data-testid={`breakdown-${dimension}`}
      aria-busy={loading}
    >
      <div className="tabs" role="tablist">
        {dimensions.map((d) => (
          <button
            key={d}
            type="button"
            role="tab"
            aria-selected={d === dimension}
            onClick={() => setDimension(d)}
          >
            {DIMENSION_LABELS[d]}
          </button>
        ))}
      </div>
      {error ? (
        <p className="error">Could not load: {error.message}</p>
      ) : rows.length === 0 && !loading ? (
        <p className="muted">No data for this period.</p>
      ) : (
        <table className="breakdown">
          <thead>
            <tr>
              <th scope="col">{DIMENSION_LABELS[dimension]}</th>
              <th scope="col" className="num">
                Visitors
              </th>
              <th scope="col" className="num">
                {third.label}
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr
                key={r.value}
                className={filters[dimension] === r.value ? 'active' : undefined}
                onClick={() => onFilter(dimension, r.value)}
                style={{ '--share': `${(r.visitors / max) * 100}%` } as CSSProperties}
              >
                <td>
                  <button type="button" className="row-filter" title="Filter by this value">
                    <UserText text={r.value} empty="(none)" />
                  </button>
                </td>
                <td className="num">{formatCount(r.visitors)}</td>
                <td className="num">{third.cell(r)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
