/**
 * A segment: the dashboard's filters as conditions `[operator, dimension, values]`, combined with
 * AND, as the Stats API takes them. One condition per dimension and operator; `is` matches any of
 * its values, `is_not` none, `contains` a value as a substring ignoring case, `does_not_contain`
 * none. The report RPCs take only `is` with one value per dimension (`rpcFilters`).
 */
import type { Filters } from './api.js';
import { isDimension, type Dimension } from './dimensions.js';

export const OPERATORS = ['is', 'is_not', 'contains', 'does_not_contain'] as const;
export type Operator = (typeof OPERATORS)[number];

export const OPERATOR_LABELS: Record<Operator, string> = {
  is: 'is',
  is_not: 'is not',
  contains: 'contains',
  does_not_contain: 'does not contain',
};

export interface Condition {
  op: Operator;
  dimension: Dimension;
  values: readonly string[];
}
export type Segment = readonly Condition[];

/**
 * Dimensions the Stats API filters with `is` and one value only (packages/schema's
 * STATS_DIMENSIONS: no Analytics Engine blob holds them as a session's, or a page filter makes
 * the measures the page's own). Kept here as a list so the dashboard's first load ships no zod.
 */
const IS_SINGLE_ONLY: ReadonlySet<Dimension> = new Set<Dimension>([
  'page',
  'exit_page',
  'utm_term',
  'utm_content',
  'click_id',
  'event',
]);

/** The operators the filter bar offers for a dimension. */
export function operatorsFor(dimension: Dimension): readonly Operator[] {
  return IS_SINGLE_ONLY.has(dimension) ? ['is'] : OPERATORS;
}

export function isOperator(v: string): v is Operator {
  return (OPERATORS as readonly string[]).includes(v);
}

/** Adds values to the segment, merging them into a condition of the same dimension and operator. */
export function addCondition(segment: Segment, added: Condition): Segment {
  const values = [...new Set(added.values.filter((v) => v !== undefined))];
  if (values.length === 0) return segment;
  const i = segment.findIndex((c) => c.dimension === added.dimension && c.op === added.op);
  if (i < 0) return [...segment, { ...added, values }];
  const merged = { ...segment[i]!, values: [...new Set([...segment[i]!.values, ...values])] };
  return segment.map((c, j) => (j === i ? merged : c));
}

/** Click-to-filter: the dimension `is` that one value (replacing an `is` it had). */
export function clickFilter(segment: Segment, dimension: Dimension, value: string): Segment {
  const rest = segment.filter((c) => !(c.dimension === dimension && c.op === 'is'));
  return [...rest, { op: 'is', dimension, values: [value] }];
}

export function removeCondition(segment: Segment, index: number): Segment {
  return segment.filter((_, i) => i !== index);
}

/** The segment as the report RPCs take it, or null when they cannot answer it. */
export function rpcFilters(segment: Segment): Filters | null {
  const filters: Filters = {};
  for (const c of segment) {
    if (c.op !== 'is' || c.values.length !== 1 || filters[c.dimension] !== undefined) return null;
    filters[c.dimension] = c.values[0]!;
  }
  return filters;
}

/** The segment as the Stats API's `filters`. */
export function statsFilters(segment: Segment): [Operator, Dimension, string[]][] {
  return segment.map((c) => [c.op, c.dimension, [...c.values]]);
}

/** Whether a value passes a condition (the live view filters its visitors with it). */
export function matches(condition: Condition, value: string): boolean {
  const v = value.toLowerCase();
  switch (condition.op) {
    case 'is':
      return condition.values.includes(value);
    case 'is_not':
      return !condition.values.includes(value);
    case 'contains':
      return condition.values.some((x) => v.includes(x.toLowerCase()));
    case 'does_not_contain':
      return !condition.values.some((x) => v.includes(x.toLowerCase()));
  }
}

/**
 * In the query string: `f.<dimension>` for `is`, `f.<dimension>.<operator>` otherwise, repeated
 * for several values (`?f.country.is_not=DE&f.country.is_not=AT&f.referrer.contains=google`).
 * A link from before operators existed (`f.country=DE`) reads as it always did.
 */
export function parseSegment(params: URLSearchParams): Segment {
  let segment: Segment = [];
  for (const [key, value] of params) {
    const [prefix, dim, op = 'is', ...extra] = key.split('.');
    if (prefix !== 'f' || extra.length > 0 || !dim || !isDimension(dim) || !isOperator(op))
      continue;
    if (!operatorsFor(dim).includes(op)) continue;
    // `is` with one value per dimension for the dimensions that take only that.
    if (op === 'is' && IS_SINGLE_ONLY.has(dim) && segment.some((c) => c.dimension === dim))
      continue;
    segment = addCondition(segment, { op, dimension: dim, values: [value] });
  }
  return segment;
}

export function writeSegment(params: URLSearchParams, segment: Segment): void {
  for (const c of segment) {
    const key = c.op === 'is' ? `f.${c.dimension}` : `f.${c.dimension}.${c.op}`;
    for (const v of c.values) params.append(key, v);
  }
}
