/**
 * The Stats API's filters as Analytics Engine SQL: each `[operator, dimension, values]` becomes
 * one condition on the session dimension's blob, every value a string literal (`sqlString`), so
 * no input reaches the SQL but as a quoted literal. `contains` is case-insensitive, as in the
 * dashboard's search. A `page` filter (`is`, one value) keeps its own meaning (the measures
 * become the page's) and goes through `AeReportQuery.filters`.
 */
import { aeColumn } from './analytics-engine.js';
import {
  AeQueryError,
  SESSION_COLUMNS,
  sqlString,
  type AeCondition,
} from './analytics-engine-sql.js';
import type { StatsFilter } from './stats-api.js';
import { STATS_DIMENSIONS } from './stats-dimensions.js';

/** Whether Analytics Engine can apply this filter (stats-dimensions.ts). */
export function aeCanFilter([operator, dimension, values]: StatsFilter): boolean {
  const can = STATS_DIMENSIONS[dimension].aeFilter;
  return can === 'all' || (can === 'is_single' && operator === 'is' && values.length === 1);
}

/**
 * @example
 * aeFilters([['is_not', 'country', ['DE', 'AT']], ['contains', 'page', ['/docs']]])
 */
export function aeFilters(filters: readonly StatsFilter[]): {
  conditions: AeCondition[];
  filters: Record<string, string>;
} {
  const conditions: AeCondition[] = [];
  const byName: Record<string, string> = {};
  for (const filter of filters) {
    const [operator, dimension, values] = filter;
    if (!aeCanFilter(filter))
      throw new AeQueryError(
        'unsupported_filter',
        `filter ${operator} ${dimension} is not answerable from Analytics Engine`,
      );
    if (dimension === 'page') {
      if (byName.page !== undefined && byName.page !== values[0])
        // Two different pages: no session's page view is both.
        conditions.push('0 = 1' as AeCondition);
      byName.page = values[0]!;
      continue;
    }
    const column = aeColumn(SESSION_COLUMNS[dimension]!);
    const literals = values.map(sqlString);
    const contains = literals
      .map((v) => `position(lowerUTF8(${column}), lowerUTF8(${v})) > 0`)
      .join(' OR ');
    const condition = {
      is: `${column} IN (${literals.join(', ')})`,
      is_not: `${column} NOT IN (${literals.join(', ')})`,
      contains: `(${contains})`,
      does_not_contain: `NOT (${contains})`,
    }[operator];
    conditions.push(condition as AeCondition);
  }
  return { conditions, filters: byName };
}
