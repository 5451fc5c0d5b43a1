/**
 * The goal columns of a breakdown: for the rows a breakdown card shows, the selected goal's
 * converting visitors, conversions and revenue per row (`stats_goal_breakdown`, asked for
 * exactly those values), and each row's conversion rate against the row's own visitors.
 * Every breakdown card uses it, whatever its dimension.
 */
import type { Api, BreakdownRow, Filters } from '../lib/api.js';
import type { GoalBreakdownRow, Revenue } from '../lib/conversions-api.js';
import { useQuery } from './useQuery.js';

/** The goal the breakdowns are shown for. */
export interface SelectedGoal {
  id: number;
  name: string;
}

export interface GoalCell {
  visitors: number;
  conversions: number;
  /** 0..1: the row's converting visitors / the row's visitors. */
  rate: number;
  revenue: Revenue;
}

export interface GoalColumns {
  /** Per row value; a row without conversions has zeros. Null while there is no goal. */
  cell: ((row: BreakdownRow) => GoalCell) | null;
  /** Whether any row has revenue (the column is shown only then). */
  hasRevenue: boolean;
  error: Error | null;
}

interface Query {
  site: string;
  from: Date;
  to: Date;
  filters: Filters;
  dimension: string;
  goal: SelectedGoal | null;
  rows: readonly BreakdownRow[];
  /** Moves when live data arrived (the card's rows may not change, the goal's counts may). */
  refresh?: number;
}

const NONE: GoalCell = { visitors: 0, conversions: 0, rate: 0, revenue: {} };

export function useGoalColumns(api: Api, q: Query): GoalColumns {
  const values = q.rows.map((r) => r.value);
  const key =
    q.goal === null || values.length === 0
      ? null
      : JSON.stringify([
          q.site,
          q.goal.id,
          q.dimension,
          q.from,
          q.to,
          q.filters,
          values,
          q.refresh,
        ]);
  const { data, error } = useQuery(key, () =>
    api.conversions.goalBreakdown({
      site: q.site,
      from: q.from,
      to: q.to,
      filters: q.filters,
      goal: q.goal!.id,
      dimension: q.dimension,
      values,
    }),
  );
  if (q.goal === null) return { cell: null, hasRevenue: false, error: null };
  const byValue = new Map<string, GoalBreakdownRow>((data ?? []).map((r) => [r.value, r]));
  return {
    cell: (row) => {
      const g = byValue.get(row.value);
      if (!g) return NONE;
      return {
        visitors: g.visitors,
        conversions: g.conversions,
        rate: row.visitors > 0 ? g.visitors / row.visitors : 0,
        revenue: g.revenue,
      };
    },
    hasRevenue: (data ?? []).some((r) => Object.keys(r.revenue).length > 0),
    error: key === null ? null : error,
  };
}
