/**
 * The first of the two checks a query passes: on the text as written. It refuses what the
 * reference does not have (other statements, functions outside the list, JOIN, SETTINGS, `::`,
 * qualified names...), reads the FORMAT clause, and renames the functions whose ClickHouse
 * namesake behaves differently (`length` → `lengthUTF8`). The second check (check-ast.ts) runs
 * ClickHouse's own parser over the result, so a query this tokenizer misreads is still refused.
 */
import { tokenize, type Token } from './lexer.js';
import { AnalyticsEngineQueryError } from './query-error.js';
import {
  INTERVAL_UNITS,
  MAX_QUERY_CHARS,
  SQL_FORMATS,
  UNSUPPORTED_WORDS,
  lookupFunction,
  type SqlFormat,
} from './sql-reference.js';

export type CheckedQuery =
  | { kind: 'select'; sql: string; format: SqlFormat }
  | { kind: 'show-tables' | 'show-timezones' | 'show-timezone'; format: SqlFormat };

/** Words that may stand before `(` without being a function call. */
const KEYWORDS = new Set([
  'SELECT',
  'FROM',
  'WHERE',
  'GROUP',
  'BY',
  'HAVING',
  'ORDER',
  'ASC',
  'DESC',
  'LIMIT',
  'OFFSET',
  'ALL',
  'AS',
  'AND',
  'OR',
  'NOT',
  'IN',
  'BETWEEN',
  'LIKE',
  'ILIKE',
  'INTERVAL',
  'DISTINCT',
]);

const ALLOWED_OPERATORS = new Set([
  '(',
  ')',
  ',',
  '*',
  '+',
  '-',
  '/',
  '%',
  '=',
  '<',
  '>',
  '<=',
  '>=',
  '<>',
  '!=',
]);

const fail = (code: ConstructorParameters<typeof AnalyticsEngineQueryError>[0], message: string) =>
  new AnalyticsEngineQueryError(code, message);

const upper = (token: Token | undefined): string =>
  token?.kind === 'word' ? token.value.toUpperCase() : '';

/** Index of the `)` matching the `(` at `open`. */
function closingParen(tokens: Token[], open: number): number {
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    if (tokens[i]!.text === '(' && tokens[i]!.kind === 'op') depth++;
    if (tokens[i]!.text === ')' && tokens[i]!.kind === 'op' && --depth === 0) return i;
  }
  throw fail('SYNTAX_ERROR', 'unbalanced parentheses');
}

/** Splits the tokens between `open` and its `)` at top-level commas. */
function argumentsOf(tokens: Token[], open: number, close: number): Token[][] {
  const args: Token[][] = [[]];
  let depth = 0;
  for (let i = open + 1; i < close; i++) {
    const t = tokens[i]!;
    if (t.kind === 'op' && t.text === '(') depth++;
    if (t.kind === 'op' && t.text === ')') depth--;
    if (depth === 0 && t.kind === 'op' && t.text === ',') args.push([]);
    else args[args.length - 1]!.push(t);
  }
  return args;
}

function readFormat(tokens: Token[]): SqlFormat {
  // The clause, not the format() function: a FORMAT word that no `(` follows.
  const clauses = tokens
    .map((t, i) => (upper(t) === 'FORMAT' && tokens[i + 1]?.text !== '(' ? i : -1))
    .filter((i) => i !== -1);
  if (clauses.length === 0) return 'JSON';
  const at = clauses.at(-1)!;
  if (clauses.length > 1 || at + 2 !== tokens.length) {
    throw fail('UNSUPPORTED_CONSTRUCT', 'FORMAT must be the last clause');
  }
  const name = tokens[at + 1]!;
  const format = SQL_FORMATS.find((f) => f.toLowerCase() === name.value.toLowerCase());
  if (!format || name.kind !== 'word') {
    throw fail(
      'UNSUPPORTED_FORMAT',
      `unsupported FORMAT ${name.text}; use ${SQL_FORMATS.join(', ')}`,
    );
  }
  tokens.splice(at, 2);
  return format;
}

function checkInterval(tokens: Token[], at: number): void {
  const amount = tokens[at + 1];
  const unit = upper(tokens[at + 2]);
  if (amount?.kind !== 'string' || !/^\d+$/.test(amount.value)) {
    throw fail('UNSUPPORTED_CONSTRUCT', "INTERVAL takes a quoted whole number: INTERVAL '1' DAY");
  }
  if (!(INTERVAL_UNITS as readonly string[]).includes(unit)) {
    throw fail(
      'UNSUPPORTED_CONSTRUCT',
      `unsupported INTERVAL unit ${tokens[at + 2]?.text ?? '(missing)'}; use ${INTERVAL_UNITS.join(', ')}`,
    );
  }
}

/**
 * Checks one function call whose name is at `at` (followed by `(`) and records the text that
 * replaces tokens of it (its name; for quantileWeighted also the comma after the level).
 */
function checkCall(tokens: Token[], at: number, rewrites: Map<number, string>): void {
  const name = tokens[at]!;
  const f = lookupFunction(name.value);
  if (!f) throw fail('UNSUPPORTED_FUNCTION', `unknown function ${name.value}`);
  const close = closingParen(tokens, at + 1);
  const first = tokens[at + 2];
  if (upper(first) === 'DISTINCT' && !f.distinct) {
    throw fail('UNSUPPORTED_CONSTRUCT', `${f.name} does not take DISTINCT`);
  }
  if (tokens[close + 1]?.text === '(' && tokens[close + 1]?.kind === 'op' && !f.parametric) {
    throw fail('UNSUPPORTED_CONSTRUCT', `${f.name} takes no parameter list`);
  }
  if (f.name === 'quantileWeighted') {
    // The compatibility form quantileWeighted(q, column, weight) is
    // quantileExactWeighted(q)(column, weight) in ClickHouse.
    const args = argumentsOf(tokens, at + 1, close);
    if (args.length !== 3 || args.some((a) => a.length === 0)) {
      throw fail('SYNTAX_ERROR', 'quantileWeighted takes three arguments: (q, column, weight)');
    }
    const commaAfterLevel = tokens.indexOf(args[1]![0]!) - 1;
    rewrites.set(at, 'quantileExactWeighted');
    rewrites.set(commaAfterLevel, ')(');
    return;
  }
  rewrites.set(at, f.clickhouse ?? f.name);
}

/**
 * Checks the text of a query against the SQL reference and prepares it for ClickHouse.
 *
 * @example
 * checkQueryText("SELECT length(blob1) FROM events FORMAT JSONEachRow");
 * // { kind: 'select', sql: 'SELECT lengthUTF8 ( blob1 ) FROM events', format: 'JSONEachRow' }
 */
export function checkQueryText(text: string): CheckedQuery {
  if (text.length > MAX_QUERY_CHARS) {
    throw fail('QUERY_TOO_LONG', `query is longer than ${MAX_QUERY_CHARS} characters`);
  }
  const tokens = tokenize(text);
  if (tokens.length === 0) throw fail('EMPTY_QUERY', 'empty query');
  if (tokens.at(-1)?.kind === 'op' && tokens.at(-1)?.text === ';') tokens.pop();
  if (tokens.some((t) => t.kind === 'op' && t.text === ';')) {
    throw fail('UNSUPPORTED_STATEMENT', 'only one statement per request');
  }
  const format = readFormat(tokens);
  const statement = upper(tokens[0]);

  if (statement === 'SHOW') {
    const what = tokens.slice(1).map(upper).join(' ');
    if (tokens.length === 2 && what === 'TABLES') return { kind: 'show-tables', format };
    if (tokens.length === 2 && what === 'TIMEZONES') return { kind: 'show-timezones', format };
    if (tokens.length === 2 && what === 'TIMEZONE') return { kind: 'show-timezone', format };
    throw fail('UNSUPPORTED_STATEMENT', `unsupported statement SHOW ${what}`.trimEnd());
  }
  if (statement !== 'SELECT') {
    throw fail(
      'UNSUPPORTED_STATEMENT',
      `unsupported statement ${tokens[0]!.text}; use SELECT or SHOW`,
    );
  }

  // `LIMIT ALL` is the reference's "no restriction"; ClickHouse has no such form.
  const limitAll = tokens.findIndex(
    (t, i) => upper(t) === 'LIMIT' && upper(tokens[i + 1]) === 'ALL',
  );
  if (limitAll !== -1) tokens.splice(limitAll, 2);

  const rewrites = new Map<number, string>();
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const word = upper(t);
    if (t.kind === 'op' && !ALLOWED_OPERATORS.has(t.text)) {
      throw fail(
        'UNSUPPORTED_CONSTRUCT',
        t.text === '.'
          ? 'qualified names are not supported: a query reads one dataset, by its bare name'
          : `unsupported operator ${t.text}`,
      );
    }
    if (t.kind !== 'word') continue;
    const unsupported = UNSUPPORTED_WORDS[word];
    if (unsupported) throw fail('UNSUPPORTED_CONSTRUCT', `${unsupported} is not supported`);
    if (word === 'SELECT' && upper(tokens[i + 1]) === 'DISTINCT') {
      throw fail('UNSUPPORTED_CONSTRUCT', 'SELECT DISTINCT is not supported; use GROUP BY');
    }
    if (word === 'SELECT' && i > 0 && tokens[i - 1]?.text !== '(') {
      throw fail('UNSUPPORTED_CONSTRUCT', 'subqueries are supported only as FROM (<subquery>)');
    }
    if (word === 'SELECT' && i > 0 && upper(tokens[i - 2]) !== 'FROM') {
      throw fail('UNSUPPORTED_CONSTRUCT', 'subqueries are supported only as FROM (<subquery>)');
    }
    if (word === 'INTERVAL') checkInterval(tokens, i);
    const next = tokens[i + 1];
    if (next?.kind === 'op' && next.text === '(' && !KEYWORDS.has(word))
      checkCall(tokens, i, rewrites);
  }

  const sql = tokens.map((t, i) => rewrites.get(i) ?? t.text).join(' ');
  return { kind: 'select', sql, format };
}
