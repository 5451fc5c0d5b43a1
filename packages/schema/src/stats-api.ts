/**
 * The Stats API's requests (zod/mini): a range, an optional comparison and filters as a list of
 * `[operator, dimension, values]`, AND-combined. The Worker validates with these, and
 * docs/stats-api.openapi.json is generated from them (scripts/stats-openapi.ts).
 */
import * as z from 'zod/mini';
import { STATS_DIMENSION_NAMES } from './stats-dimensions.js';

export const STATS_OPERATORS = ['is', 'is_not', 'contains', 'does_not_contain'] as const;
export type StatsOperator = (typeof STATS_OPERATORS)[number];

/** Limits of one request: enough for any dashboard, small enough to bound the SQL. */
export const STATS_LIMITS = {
  filters: 10,
  values: 20,
  valueLength: 500,
  breakdownRows: 1000,
} as const;

export const StatsDimension = z.enum(STATS_DIMENSION_NAMES);

/** `["is_not", "country", ["DE", "AT"]]`: sessions from neither. */
export const StatsFilter = z.tuple([
  z.enum(STATS_OPERATORS),
  StatsDimension,
  z
    .array(z.string().check(z.maxLength(STATS_LIMITS.valueLength)))
    .check(z.minLength(1), z.maxLength(STATS_LIMITS.values)),
]);
export type StatsFilter = z.infer<typeof StatsFilter>;

const instant = z.iso.datetime({ offset: true });

/** What every report takes. */
export const StatsQuery = z.strictObject({
  /** Start (inclusive), ISO 8601 with an offset: `2026-12-01T00:00:00+01:00`. */
  from: instant,
  /** End (exclusive). */
  to: instant,
  /** The period to compare with: the equal-length one before, or the same one a year before. */
  compare: z.optional(z.enum(['previous_period', 'previous_year'])),
  filters: z._default(z.array(StatsFilter).check(z.maxLength(STATS_LIMITS.filters)), []),
});
export type StatsQuery = z.infer<typeof StatsQuery>;

export const OverviewQuery = StatsQuery;
export type OverviewQuery = StatsQuery;

export const TimeseriesQuery = z.extend(StatsQuery, {
  resolution: z._default(z.enum(['hour', 'day']), 'day'),
});
export type TimeseriesQuery = z.infer<typeof TimeseriesQuery>;

const limit = z._default(z.int().check(z.minimum(1), z.maximum(STATS_LIMITS.breakdownRows)), 10);

/** A breakdown by a dimension of the registry: a row per value with the range's totals. */
export const DimensionBreakdownQuery = z.extend(StatsQuery, { dimension: StatsDimension, limit });

/**
 * `goal`: a row per goal of the site (all of them, by name), with its converting visitors,
 * conversions, conversion rate and revenue. Answered by Postgres' conversion reports.
 */
export const GoalBreakdownQuery = z.extend(StatsQuery, { dimension: z.literal('goal') });

const name = z.string().check(z.minLength(1), z.maxLength(200));

/**
 * `event_property`: the values of one property (`property`) of one custom event (`event`), a
 * row per value with the visitors who sent it, how many events and their revenue. Answered by
 * Postgres' conversion reports.
 */
export const EventPropertyBreakdownQuery = z.extend(StatsQuery, {
  dimension: z.literal('event_property'),
  event: name,
  property: name,
  limit,
});

export const BreakdownQuery = z.discriminatedUnion('dimension', [
  DimensionBreakdownQuery,
  GoalBreakdownQuery,
  EventPropertyBreakdownQuery,
]);
export type BreakdownQuery = z.infer<typeof BreakdownQuery>;
/** The breakdown dimensions only the conversion reports (Postgres) answer. */
export const CONVERSION_BREAKDOWNS = ['goal', 'event_property'] as const;
export type ConversionBreakdown = (typeof CONVERSION_BREAKDOWNS)[number];

/** The figures of a range (an overview, a time-series bucket or a breakdown row). */
export const StatsTotals = z.object({
  visitors: z.number(),
  visits: z.number(),
  pageviews: z.number(),
  /** Bounces / visits; null where the store cannot answer it. */
  bounceRate: z.nullable(z.number()),
  engagedMs: z.number(),
});
export type StatsTotals = z.infer<typeof StatsTotals>;

/**
 * Whether imported history (docs/imports.md) is in a Postgres answer: `days` imported days in
 * the range count (before the site's own first day); `included` false when this report cannot
 * use them (hours, filters the daily rollups do not answer); `notIn` the reports that never do.
 */
export const StatsImported = z.object({
  included: z.boolean(),
  days: z.number(),
  firstDay: z.nullable(z.string()),
  lastDay: z.nullable(z.string()),
  notIn: z.array(z.string()),
});
export type StatsImported = z.infer<typeof StatsImported>;

/** Where an answer came from and how exact it is. */
export const StatsMeta = z.object({
  source: z.enum(['postgres', 'analytics_engine']),
  /** False when Analytics Engine sampled: sums are then unbiased estimates, visitors a lower bound. */
  exact: z.boolean(),
  sampleInterval: z.number(),
  from: z.string(),
  to: z.string(),
  /** Postgres answers only: Analytics Engine holds no imported history. */
  imported: z.optional(StatsImported),
});
export type StatsMeta = z.infer<typeof StatsMeta>;

const answer = <T extends z.core.$ZodType>(results: T) =>
  z.object({
    meta: StatsMeta,
    results,
    comparison: z.nullable(z.object({ meta: StatsMeta, results })),
  });

export const OverviewResponse = answer(StatsTotals);
export const TimeseriesResponse = answer(z.array(z.extend(StatsTotals, { bucket: z.string() })));
/** Revenue per ISO currency code (`{ "EUR": 147 }`; currencies are never converted). */
const Revenue = z.record(z.string(), z.number());
export const GoalRow = z.object({
  /** The goal's name. */
  value: z.string(),
  goalId: z.number(),
  /** Unique converting visitors. */
  visitors: z.number(),
  conversions: z.number(),
  /** Converting visitors / visitors of the range and filters (0..1). */
  conversionRate: z.number(),
  revenue: Revenue,
});
export type GoalRow = z.infer<typeof GoalRow>;
export const EventPropertyRow = z.object({
  /** The property's value as text (numbers and booleans as JSON writes them, null as ''). */
  value: z.string(),
  visitors: z.number(),
  events: z.number(),
  revenue: Revenue,
});
export type EventPropertyRow = z.infer<typeof EventPropertyRow>;
export const BreakdownResponse = answer(
  z.union([
    z.array(z.extend(StatsTotals, { value: z.string() })),
    z.array(GoalRow),
    z.array(EventPropertyRow),
  ]),
);
export const LiveResponse = z.object({
  site: z.string(),
  visitorsNow: z.number(),
  at: z.nullable(z.number()),
});

/** Every refusal: `{ error: { code, message, issues } }`. */
export const StatsErrorResponse = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    issues: z.array(z.object({ path: z.string(), message: z.string() })),
  }),
});

/** A refused field of a request: zod's code, a dotted path (`filters.0.2`) and a message. */
export interface StatsIssue {
  code: string;
  path: string;
  message: string;
}

/**
 * Validates a request body with one of the schemas above, without the caller importing zod.
 *
 * @example
 * const { data, issues } = parseStatsQuery(BreakdownQuery, JSON.parse(body));
 */
export function parseStatsQuery<S extends z.ZodMiniType>(
  schema: S,
  input: unknown,
): { data: z.infer<S>; issues: null } | { data: null; issues: StatsIssue[] } {
  const parsed = schema.safeParse(input);
  if (parsed.success) return { data: parsed.data, issues: null };
  return {
    data: null,
    issues: parsed.error.issues.map((i) => ({
      code: i.code,
      path: i.path.join('.'),
      message: i.message,
    })),
  };
}
