/**
 * What Workers Analytics Engine's SQL API accepts, written down from Cloudflare's SQL reference
 * (developers.cloudflare.com/analytics/analytics-engine/sql-reference: statements, operators,
 * literals and the function pages, with the additions of the 2025-09-26, 2025-11-12 and
 * 2026-01-07 changelog entries). The local engine refuses everything else, so a query that
 * works here works there. docs/devstack.md renders the same lists as a table; a test keeps the
 * two in step.
 */

export type FunctionCategory =
  | 'aggregate'
  | 'bit'
  | 'conditional'
  | 'date-time'
  | 'encoding'
  | 'mathematical'
  | 'string'
  | 'type-conversion';

export interface SqlFunction {
  /** The name as the reference spells it; matched case-insensitively, as Analytics Engine does. */
  name: string;
  category: FunctionCategory;
  /**
   * The ClickHouse function that behaves as the reference describes, when it is not the same
   * name (for example `length` counts UTF-8 code points there, as `lengthUTF8` does).
   */
  clickhouse?: string;
  /** Takes a parameter list before its arguments, ClickHouse style: `topK(10)(blob1)`. */
  parametric?: boolean;
  /** Accepts `DISTINCT` before its argument: `count(DISTINCT blob1)`. */
  distinct?: boolean;
}

const fn = (
  name: string,
  category: FunctionCategory,
  extra: Omit<SqlFunction, 'name' | 'category'> = {},
): SqlFunction => ({ name, category, ...extra });

/** Every function of the reference, including its documented aliases. */
export const SQL_FUNCTIONS: readonly SqlFunction[] = [
  fn('count', 'aggregate', { distinct: true }),
  fn('sum', 'aggregate', { distinct: true }),
  fn('avg', 'aggregate', { distinct: true }),
  fn('min', 'aggregate'),
  fn('max', 'aggregate'),
  fn('countIf', 'aggregate'),
  fn('sumIf', 'aggregate'),
  fn('avgIf', 'aggregate'),
  fn('quantileExactWeighted', 'aggregate', { parametric: true }),
  // Documented "for backwards compatibility": quantileWeighted(q, column, weight).
  fn('quantileWeighted', 'aggregate'),
  fn('argMax', 'aggregate'),
  fn('argMin', 'aggregate'),
  fn('first_value', 'aggregate'),
  fn('last_value', 'aggregate'),
  fn('topK', 'aggregate', { parametric: true }),
  fn('topKWeighted', 'aggregate', { parametric: true }),

  fn('bitAnd', 'bit'),
  fn('bitCount', 'bit'),
  fn('bitHammingDistance', 'bit'),
  fn('bitNot', 'bit'),
  fn('bitOr', 'bit'),
  fn('bitRotateLeft', 'bit'),
  fn('bitRotateRight', 'bit'),
  fn('bitShiftLeft', 'bit'),
  fn('bitShiftRight', 'bit'),
  fn('bitTest', 'bit'),
  fn('bitXor', 'bit'),

  fn('if', 'conditional'),

  fn('formatDateTime', 'date-time'),
  fn('now', 'date-time'),
  fn('today', 'date-time'),
  fn('toDateTime', 'date-time'),
  fn('toYear', 'date-time'),
  fn('toMonth', 'date-time'),
  fn('toDayOfWeek', 'date-time'),
  fn('toDayOfMonth', 'date-time'),
  fn('toHour', 'date-time'),
  fn('toMinute', 'date-time'),
  fn('toSecond', 'date-time'),
  fn('toUnixTimestamp', 'date-time'),
  fn('toStartOfInterval', 'date-time'),
  fn('toStartOfYear', 'date-time'),
  fn('toStartOfMonth', 'date-time'),
  // "Treats Monday as the first day of the week"; ClickHouse's toStartOfWeek starts on Sunday.
  fn('toStartOfWeek', 'date-time', { clickhouse: 'toMonday' }),
  fn('toStartOfDay', 'date-time'),
  fn('toStartOfHour', 'date-time'),
  fn('toStartOfFifteenMinutes', 'date-time'),
  fn('toStartOfTenMinutes', 'date-time'),
  fn('toStartOfFiveMinutes', 'date-time'),
  fn('toStartOfMinute', 'date-time'),
  fn('toYYYYMM', 'date-time'),

  fn('bin', 'encoding'),
  fn('hex', 'encoding'),

  fn('intDiv', 'mathematical'),
  fn('log', 'mathematical'),
  fn('ln', 'mathematical', { clickhouse: 'log' }),
  fn('pow', 'mathematical'),
  fn('round', 'mathematical'),
  fn('floor', 'mathematical'),
  fn('ceil', 'mathematical'),

  // "the equivalent of ClickHouse's lengthUTF8 function, rather than ClickHouse's length".
  fn('length', 'string', { clickhouse: 'lengthUTF8' }),
  fn('empty', 'string'),
  fn('lower', 'string'),
  fn('lowerUTF8', 'string'),
  fn('toLower', 'string', { clickhouse: 'lowerUTF8' }),
  fn('upper', 'string'),
  fn('upperUTF8', 'string'),
  fn('toUpper', 'string', { clickhouse: 'upperUTF8' }),
  fn('startsWith', 'string'),
  fn('endsWith', 'string'),
  fn('position', 'string'),
  // Offsets and lengths in Unicode code points.
  fn('substring', 'string', { clickhouse: 'substringUTF8' }),
  fn('format', 'string'),
  fn('extract', 'string'),

  fn('toUInt8', 'type-conversion'),
  fn('toUInt32', 'type-conversion'),
];

const byLowerName = new Map(SQL_FUNCTIONS.map((f) => [f.name.toLowerCase(), f]));

/** The reference's entry for a function name as written in a query, if it has one. */
export function lookupFunction(name: string): SqlFunction | undefined {
  return byLowerName.get(name.toLowerCase());
}

/** Output formats of the FORMAT clause; JSON when absent. */
export const SQL_FORMATS = ['JSON', 'JSONEachRow', 'TabSeparated'] as const;
export type SqlFormat = (typeof SQL_FORMATS)[number];

/** `SHOW` statements, besides SELECT. */
export const SHOW_STATEMENTS = ['SHOW TABLES', 'SHOW TIMEZONES', 'SHOW TIMEZONE'] as const;

/** Clauses of SELECT, in order: `SELECT … FROM <dataset> | (<subquery>) WHERE … FORMAT …`. */
export const SELECT_CLAUSES = [
  'SELECT',
  'FROM',
  'WHERE',
  'GROUP BY',
  'HAVING',
  'ORDER BY',
  'LIMIT',
  'OFFSET',
  'FORMAT',
] as const;

/** Operators: arithmetic, comparison, pattern matching, boolean, unary minus. */
export const SQL_OPERATORS = [
  '+',
  '-',
  '*',
  '/',
  '%',
  '=',
  '<',
  '>',
  '<=',
  '>=',
  '<>',
  '!=',
  'IN',
  'NOT IN',
  'BETWEEN',
  'NOT BETWEEN',
  'LIKE',
  'NOT LIKE',
  'ILIKE',
  'NOT ILIKE',
  'AND',
  'OR',
  'NOT',
] as const;

/** Units of `INTERVAL '<n>' <unit>` and of `extract(<unit> FROM …)`. */
export const INTERVAL_UNITS = ['YEAR', 'MONTH', 'DAY', 'HOUR', 'MINUTE', 'SECOND'] as const;

/**
 * Words that name constructs the reference does not have. A query using one is refused with
 * the word in the message (rather than a generic parse error).
 */
export const UNSUPPORTED_WORDS: Readonly<Record<string, string>> = {
  JOIN: 'JOIN (queries can only operate on a single table)',
  UNION: 'UNION (queries can only operate on a single table)',
  INTERSECT: 'INTERSECT',
  EXCEPT: 'EXCEPT',
  WITH: 'WITH',
  SETTINGS: 'SETTINGS',
  INTO: 'INTO',
  ARRAY: 'ARRAY JOIN',
  PREWHERE: 'PREWHERE',
  SAMPLE: 'SAMPLE',
  FINAL: 'FINAL',
  QUALIFY: 'QUALIFY',
  WINDOW: 'WINDOW',
  OVER: 'window functions (OVER)',
  CASE: 'CASE expressions (use if())',
  NULL: 'NULL literals',
  NULLS: 'NULLS FIRST/LAST',
  TOTALS: 'WITH TOTALS',
  FILL: 'WITH FILL',
  TIES: 'WITH TIES',
  FETCH: 'FETCH',
  GLOBAL: 'GLOBAL',
  IS: 'IS',
  EXISTS: 'EXISTS',
  ANY: 'ANY',
  INTERPOLATE: 'INTERPOLATE',
  COLLATE: 'COLLATE',
  PARALLEL: 'PARALLEL WITH',
};

/** Query text longer than this is refused, as Analytics Engine refuses it. */
export const MAX_QUERY_CHARS = 10_000;
