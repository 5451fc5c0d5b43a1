/**
 * Goals: for each goal of the site, its unique converting visitors, conversions, conversion
 * rate and revenue in the range and filters. Choosing an event goal shows its custom-event
 * properties by key and value. Goal names, paths and property values are site- or
 * visitor-supplied: rendered through UserText.
 */
import { useState, type CSSProperties } from 'react';
import type { Api, Filters } from '../../lib/api.js';
import type { GoalRow } from '../../lib/conversions-api.js';
import { formatCount, formatPercent } from '../../lib/format.js';
import { useQuery } from '../../hooks/useQuery.js';
import { UserText } from '../Text/UserText.js';
import { PropertiesTable } from './PropertiesTable.js';
import { formatRevenue } from './revenue.js';

interface Props {
  api: Api;
  site: string;
  from: Date;
  to: Date;
  filters: Filters;
  /** Bumped when a goal was added, to read the list again. */
  version: number;
}

export function GoalsCard({ api, site, from, to, filters, version }: Props) {
  const [selected, setSelected] = useState<number | null>(null);
  const key = JSON.stringify([site, from, to, filters, version]);
  const { data, error, loading } = useQuery(key, () =>
    api.conversions.goals({ site, from, to, filters }),
  );
  const rows = data ?? [];
  const max = Math.max(1, ...rows.map((r) => r.visitors));
  const chosen = rows.find((r) => r.goal_id === selected && r.event_name !== null);

  return (
    <section className="card goals" aria-label="Goals" data-testid="goals" aria-busy={loading}>
      <h2>Goals</h2>
      {error ? (
        <p className="error">Could not load the goals: {error.message}</p>
      ) : rows.length === 0 && !loading ? (
        <p className="muted">No goals yet: add one below.</p>
      ) : (
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
                className={g.goal_id === selected ? 'active' : undefined}
                onClick={() => setSelected(g.goal_id === selected ? null : g.goal_id)}
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
      )}
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
  return `${what}${prop}${g.event_name !== null ? ' (click for its properties)' : ''}`;
}
