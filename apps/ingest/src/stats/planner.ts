/**
 * The Stats API's planner: which store answers a report. Postgres rollups hold whole local days
 * exactly for a few filter shapes (docs/database.md, "Reading"); Analytics Engine answers any
 * filter on the session's dimensions within its retention; Postgres' sessions answer one-value
 * `is` filters within theirs. Anything else is refused, naming what is not available.
 */
import { STATS_DIMENSIONS, aeCanFilter, type Dimension, type StatsFilter } from '@sightline/schema';
import { IngestError } from '../lib/errors.js';
import { isWholeDays, type Range } from './range.js';

/** `conversions`: a breakdown by goal or by a custom event's property (the conversion RPCs). */
export type ReportKind = 'overview' | 'timeseries' | 'breakdown' | 'conversions';

export type Plan =
  { source: 'postgres'; filters: Record<string, string> } | { source: 'analytics_engine' };

export interface PlanContext {
  timeZone: string;
  now: number;
  /** Days of Analytics Engine data (90 on Cloudflare); 0: no Analytics Engine SQL configured. */
  aeRetentionDays: number;
  /**
   * ms: when the site's format-2 points began (`ANALYTICS_ENGINE_SINCE`, set on an upgrade);
   * a range starting earlier is not complete in Analytics Engine. 0: as far as the retention.
   */
  aeSince?: number;
  /** Days Postgres keeps sessions (docs/database.md, "Retention"). */
  sessionRetentionDays: number;
}

const DAY = 86_400_000;

/** The filters as the report RPCs take them (`is`, one value, one per dimension), or null. */
export function postgresFilters(filters: readonly StatsFilter[]): Record<string, string> | null {
  const out: Record<string, string> = {};
  for (const [operator, dimension, values] of filters) {
    if (operator !== 'is' || values.length !== 1 || dimension in out) return null;
    if (!STATS_DIMENSIONS[dimension].postgresFilter) return null;
    out[dimension] = values[0]!;
  }
  return out;
}

/** Whether a rollup holds this report exactly (30_report_helpers.sql, "daily rollups"). */
function rollupAnswers(
  kind: ReportKind,
  dimension: Dimension | undefined,
  filters: Record<string, string>,
  wholeDays: boolean,
): boolean {
  const names = Object.keys(filters).sort();
  if (names.length === 0) return kind !== 'breakdown' || wholeDays;
  if (!wholeDays) return false;
  if (kind === 'breakdown')
    return (
      (names.length === 1 && names[0] === dimension) ||
      (dimension === 'page' && names.every((n) => n === 'country' || n === 'page'))
    );
  return (names.length === 1 && names[0] !== 'event') || names.join() === 'country,page';
}

/**
 * @example
 * plan('overview', undefined, [['is_not', 'country', ['DE']]], range, ctx) // { source: 'analytics_engine' }
 */
export function plan(
  kind: ReportKind,
  dimension: Dimension | undefined,
  filters: readonly StatsFilter[],
  range: Range,
  ctx: PlanContext,
): Plan {
  if (kind === 'conversions') return planConversions(filters, range, ctx);
  const pg = postgresFilters(filters);
  if (pg && rollupAnswers(kind, dimension, pg, isWholeDays(range, ctx.timeZone)))
    return { source: 'postgres', filters: pg };
  const aeAnswers =
    ctx.aeRetentionDays > 0 &&
    filters.every(aeCanFilter) &&
    (dimension === undefined || STATS_DIMENSIONS[dimension].aeGroup);
  const aeSince = Math.max(ctx.now - ctx.aeRetentionDays * DAY, ctx.aeSince ?? 0);
  if (aeAnswers && range.from >= aeSince) return { source: 'analytics_engine' };
  if (pg && range.from >= ctx.now - ctx.sessionRetentionDays * DAY)
    return { source: 'postgres', filters: pg };
  if (aeAnswers)
    throw new IngestError(
      422,
      'beyond_retention',
      `this report with these filters is answered by Analytics Engine, which holds ${ctx.aeRetentionDays} days ` +
        `(data points from ${new Date(aeSince).toISOString()}): ` +
        `ask from ${new Date(aeSince).toISOString()} on, or drop the filters a daily rollup cannot answer`,
    );
  const what = filters
    .filter((f) => !aeCanFilter(f) || !pg)
    .map(
      ([op, dim, values]) => `${op} ${dim} (${values.length} value${values.length > 1 ? 's' : ''})`,
    );
  throw new IngestError(
    422,
    'unsupported_query',
    `no store answers ${kind}${dimension ? ` by ${dimension}` : ''} with ${what.join(', ') || 'these filters'}` +
      (ctx.aeRetentionDays > 0 ? '' : ' (Analytics Engine SQL is not configured)') +
      `: Postgres filters by one value with "is" (sessions kept ${ctx.sessionRetentionDays} days), ` +
      'Analytics Engine filters session dimensions with every operator',
  );
}

/**
 * Goals and custom-event properties: only Postgres' conversion reports (stats_goals,
 * stats_properties) hold them, exactly, with the filters they take (`is`, one value per
 * dimension) and as far back as sessions are kept.
 */
function planConversions(filters: readonly StatsFilter[], range: Range, ctx: PlanContext): Plan {
  const pg = postgresFilters(filters);
  if (!pg)
    throw new IngestError(
      422,
      'unsupported_query',
      'goal and event-property breakdowns are answered by Postgres alone (its conversion reports), ' +
        'which filter by one value with "is", one filter per dimension',
    );
  const since = ctx.now - ctx.sessionRetentionDays * DAY;
  if (range.from < since)
    throw new IngestError(
      422,
      'beyond_retention',
      `goal and event-property breakdowns are answered by Postgres, which keeps sessions ` +
        `${ctx.sessionRetentionDays} days: ask from ${new Date(since).toISOString()} on`,
    );
  return { source: 'postgres', filters: pg };
}
