/**
 * One top list (with tabs for related dimensions); clicking a row filters the whole dashboard.
 * With a goal selected (the Goals card), each row also shows the goal's conversions, conversion
 * rate and, where there is any, revenue (useGoalColumns).
 */
import { useState, type CSSProperties } from 'react';
import type { Api, BreakdownRow } from '../../lib/api.js';
import { DIMENSION_LABELS, type Dimension } from '../../lib/dimensions.js';
import { formatCount, formatPercent } from '../../lib/format.js';
import type { ReportReader } from '../../lib/report-reader.js';
import { rpcFilters, type Segment } from '../../lib/segment.js';
import { useGoalColumns, type GoalCell, type SelectedGoal } from '../../hooks/useGoalColumns.js';
import { useQuery } from '../../hooks/useQuery.js';
import { UserText } from '../Text/UserText.js';
import { Estimated } from './Estimated.js';
import { ExportCsv } from './ExportCsv.js';
import { formatRevenue } from './revenue.js';
import { ReportBody } from './ReportBody.js';

interface Props {
  api: Api;
  /** Reads the rows (report-reader.ts: the RPCs or the Stats API). */
  reader: ReportReader;
  site: string;
  from: Date;
  to: Date;
  filters: Segment;
  dimensions: readonly Dimension[];
  /** Moves when the live data says the figures changed (Reports). */
  refresh?: number;
  onFilter: (dimension: Dimension, value: string) => void;
  /** The goal whose columns to show; null: none. */
  goal?: SelectedGoal | null;
}

const LIMIT = 10;
/** A CSV holds the whole list, up to the Stats API's most rows. */
const EXPORT_LIMIT = 1000;

export function BreakdownCard({
  api,
  reader,
  site,
  from,
  to,
  filters,
  dimensions,
  refresh = 0,
  onFilter,
  goal = null,
}: Props) {
  const [dimension, setDimension] = useState<Dimension>(dimensions[0]!);
  const key = JSON.stringify([site, dimension, from, to, filters, refresh]);
  const { data, error, loading } = useQuery(key, () =>
    reader.breakdown({ site, from, to, dimension, limit: LIMIT }),
  );
  const rows = data?.data ?? [];
  const max = Math.max(1, ...rows.map((r) => r.visitors));
  // A goal's columns come from the RPCs: only for filters they take (Reports drops the goal else).
  const rpc = rpcFilters(filters) ?? {};
  const goals = useGoalColumns(api, {
    site,
    from,
    to,
    filters: rpc,
    dimension,
    goal,
    rows,
    refresh,
  });
  const active = (value: string): boolean =>
    filters.some((c) => c.dimension === dimension && c.op === 'is' && c.values.includes(value));
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
      <div className="card-head">
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
        {reader.csv && (
          <ExportCsv
            what={DIMENSION_LABELS[dimension]}
            load={() =>
              reader.csv!('breakdown', { site, from, to, dimension, limit: EXPORT_LIMIT })
            }
          />
        )}
      </div>
      {data?.exact === false && <Estimated />}
      {goals.error && (
        <p className="error">Could not load the goal&apos;s conversions: {goals.error.message}</p>
      )}
      <ReportBody error={error} empty={rows.length === 0 && !loading}>
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
              {goals.cell && goal && (
                <>
                  <th scope="col" className="num" title={`Visitors who completed ${goal.name}`}>
                    Conv.
                  </th>
                  <th scope="col" className="num" title="Conversion rate of the row's visitors">
                    CR
                  </th>
                  {goals.hasRevenue && (
                    <th scope="col" className="num">
                      Revenue
                    </th>
                  )}
                </>
              )}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr
                key={r.value}
                className={active(r.value) ? 'active' : undefined}
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
                {goals.cell && <GoalCells cell={goals.cell(r)} revenue={goals.hasRevenue} />}
              </tr>
            ))}
          </tbody>
        </table>
      </ReportBody>
    </section>
  );
}

function GoalCells({ cell, revenue }: { cell: GoalCell; revenue: boolean }) {
  return (
    <>
      <td className="num" data-testid="goal-conversions">
        {formatCount(cell.visitors)}
      </td>
      <td className="num" data-testid="goal-rate">
        {formatPercent(cell.rate)}
      </td>
      {revenue && (
        <td className="num" data-testid="goal-revenue">
          {formatRevenue(cell.revenue)}
        </td>
      )}
    </>
  );
}
