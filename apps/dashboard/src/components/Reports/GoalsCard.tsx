/**
 * Goals: for each goal of the site, its unique converting visitors, conversions, conversion
 * rate and revenue in the range and filters. Choosing a goal adds its columns to every
 * breakdown; choosing an event goal also shows its custom-event properties by key and value. Goal names, paths and property values are site- or
 * visitor-supplied: rendered through UserText.
 */
import type { CSSProperties } from 'react';
import type { Api, Filters } from '../../lib/api.js';
import type { GoalRow } from '../../lib/conversions-api.js';
import { formatCount, formatPercent } from '../../lib/format.js';
import { useQuery } from '../../hooks/useQuery.js';
import type { SelectedGoal } from '../../hooks/useGoalColumns.js';
import { UserText } from '../Text/UserText.js';
import { PropertiesTable } from './PropertiesTable.js';
import { formatRevenue } from './revenue.js';
import { ReportBody } from './ReportBody.js';

interface Props {
  api: Api;
  site: string;
  from: Date;
  to: Date;
  filters: Filters;
  /** Bumped when a goal was added, to read the list again. */
  version: number;
  /** The goal chosen for the breakdowns' goal columns. */
  selected: SelectedGoal | null;
  onSelect: (goal: SelectedGoal | null) => void;
}

export function GoalsCard({ api, site, from, to, filters, version, selected, onSelect }: Props) {
  const key = JSON.stringify([site, from, to, filters, version]);
  const { data, error, loading } = useQuery(key, () =>
    api.conversions.goals({ site, from, to, filters }),
  );
  const rows = data ?? [];
  const max = Math.max(1, ...rows.map((r) => r.visitors));
  const chosen = rows.find((r) => r.goal_id === selected?.id && r.event_name !== null);

  return (
    <section className="card goals" aria-label="Goals" data-testid="goals" aria-busy={loading}>
      <h2>Goals</h2>
      <ReportBody
        error={error}
        empty={rows.length === 0 && !loading}
        failed="Could not load the goals"
        emptyText="No goals yet: add one below."
      >
        <table className="breakdown">
          <thead>
            <tr>
              <th scope="col">Goal</th>
              <th scope="col" className="num">
                Uniques
              </th>
              <th scope="col" className="num">
                Total
              </th>
              <th scope="col" className="num">
                CR
              </th>
              <th scope="col" className="num">
                Revenue
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((g) => (
              <tr
                key={g.goal_id}
                data-testid={`goal-${g.goal_id}`}
                className={g.goal_id === selected?.id ? 'active' : undefined}
                aria-selected={g.goal_id === selected?.id}
                onClick={() =>
                  onSelect(g.goal_id === selected?.id ? null : { id: g.goal_id, name: g.name })
                }
                style={{ '--share': `${(g.visitors / max) * 100}%` } as CSSProperties}
              >
                <td>
                  <button type="button" className="row-filter" title={goalTitle(g)}>
                    <UserText text={g.name} />
                  </button>
                </td>
                <td className="num">{formatCount(g.visitors)}</td>
                <td className="num">{formatCount(g.conversions)}</td>
                <td className="num" data-testid="goal-cr">
                  {formatPercent(g.conversion_rate)}
                </td>
                <td className="num">{formatRevenue(g.revenue)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </ReportBody>
      {chosen && (
        <PropertiesTable
          api={api}
          site={site}
          from={from}
          to={to}
          filters={filters}
          goal={chosen.goal_id}
          goalName={chosen.name}
        />
      )}
    </section>
  );
}

/** What the goal matches, for the row's tooltip (plain text: the title attribute escapes it). */
function goalTitle(g: GoalRow): string {
  const what = g.event_name !== null ? `event ${g.event_name}` : `page ${g.page_path ?? ''}`;
  const prop = g.prop_key !== null ? ` with ${g.prop_key} = ${g.prop_value ?? ''}` : '';
  const more = g.event_name !== null ? 'its properties and ' : '';
  return `${what}${prop} (click for ${more}its conversions in every breakdown)`;
}
