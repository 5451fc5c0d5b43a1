/**
 * Reports from Postgres: the report RPCs as they are, called as the caller (their token, so
 * `authorize_report` decides), answered in the Stats API's shape.
 */
import type {
  Dimension,
  EventPropertyRow,
  GoalRow,
  StatsImported,
  StatsTotals,
} from '@sightline/schema';
import { fromPostgrest, type PostgrestFailure } from '../lib/db-errors.js';
import { asCaller } from '../lib/supabase.js';
import type { Range } from './range.js';

export interface PgCall {
  env: { SUPABASE_URL: string; SUPABASE_PUBLISHABLE_KEY: string };
  token: string;
  site: string;
  range: Range;
  filters: Record<string, string>;
}

interface PgRow {
  visitors: number;
  visits: number;
  pageviews: number;
  bounce_rate?: number;
  engaged_ms: number;
}

async function rpc<T>(call: PgCall, name: string, args: Record<string, unknown>): Promise<T> {
  const result: { data: unknown; error: PostgrestFailure | null } = await asCaller(
    call.env,
    call.token,
    15_000,
  ).rpc(name, {
    p_site: call.site,
    p_from: new Date(call.range.from).toISOString(),
    p_to: new Date(call.range.to).toISOString(),
    p_filters: call.filters,
    ...args,
  });
  if (result.error) throw fromPostgrest(result.error);
  return result.data as T;
}

const totals = (r: PgRow): StatsTotals => ({
  visitors: Number(r.visitors),
  visits: Number(r.visits),
  pageviews: Number(r.pageviews),
  bounceRate: r.bounce_rate ?? null,
  engagedMs: Number(r.engaged_ms),
});

export async function pgOverview(call: PgCall): Promise<StatsTotals> {
  return totals(await rpc<PgRow>(call, 'stats_overview', {}));
}

/** Buckets with visits (the RPC also lists empty ones; the API leaves them out). */
export async function pgTimeseries(
  call: PgCall,
  resolution: 'hour' | 'day',
): Promise<(StatsTotals & { bucket: string })[]> {
  const rows = await rpc<(PgRow & { bucket: string })[]>(call, 'stats_timeseries', {
    p_resolution: resolution,
  });
  return rows
    .filter((r) => Number(r.visits) > 0)
    .map((r) => ({ bucket: new Date(r.bucket).toISOString(), ...totals(r) }));
}

export async function pgBreakdown(
  call: PgCall,
  dimension: Dimension,
  limit: number,
): Promise<(StatsTotals & { value: string })[]> {
  const rows = await rpc<(PgRow & { value: string })[]>(call, 'stats_breakdown', {
    p_dimension: dimension,
    p_limit: limit,
  });
  return rows.map((r) => ({ value: r.value, ...totals(r) }));
}

type Revenue = Record<string, number>;
const revenue = (r: Record<string, unknown> | null): Revenue =>
  Object.fromEntries(Object.entries(r ?? {}).map(([k, v]) => [k, Number(v)]));

/** Every goal of the site, by name (stats_goals). */
export async function pgGoals(call: PgCall): Promise<GoalRow[]> {
  const rows = await rpc<
    {
      goal_id: number;
      name: string;
      visitors: number;
      conversions: number;
      conversion_rate: number;
      revenue: Record<string, unknown> | null;
    }[]
  >(call, 'stats_goals', {});
  return rows.map((r) => ({
    value: r.name,
    goalId: Number(r.goal_id),
    visitors: Number(r.visitors),
    conversions: Number(r.conversions),
    conversionRate: Number(r.conversion_rate),
    revenue: revenue(r.revenue),
  }));
}

/** The values of one custom event's property, most visitors first (stats_properties). */
export async function pgEventProperty(
  call: PgCall,
  event: string,
  property: string,
  limit: number,
): Promise<EventPropertyRow[]> {
  const rows = await rpc<
    {
      key: string;
      value: string;
      visitors: number;
      events: number;
      revenue: Record<string, unknown> | null;
    }[]
  >(call, 'stats_properties', { p_event: event, p_limit: limit });
  // The RPC ranks each key's values on its own (at most `limit` per key): one key's are kept.
  return rows
    .filter((r) => r.key === property)
    .map((r) => ({
      value: r.value,
      visitors: Number(r.visitors),
      events: Number(r.events),
      revenue: revenue(r.revenue),
    }));
}

/** Whether imported history is in this answer (stats_imported, docs/imports.md). */
export async function pgImported(call: PgCall): Promise<StatsImported> {
  const r = await rpc<{
    included: boolean;
    days: number;
    first_day: string | null;
    last_day: string | null;
    not_in: string[];
  }>(call, 'stats_imported', {});
  return {
    included: r.included,
    days: Number(r.days),
    firstDay: r.first_day,
    lastDay: r.last_day,
    notIn: r.not_in,
  };
}
