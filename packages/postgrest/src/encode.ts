/**
 * Value encoding for the two PostgREST grammars that have structure inside a value. A plain
 * filter value (`col=eq.<anything>`) is read verbatim by PostgREST, so only URL encoding applies;
 * but the elements of an `in.(…)` list and of a Postgres array literal `{…}` are split on commas
 * and closed by brackets, so an element that holds those (or quotes, backslashes, edge spaces)
 * is double-quoted with `"` and `\` backslash-escaped. postgrest-js quotes only `,()` and never
 * escapes, so a value holding a quote can break its list; ours cannot.
 */

// PostgREST's list element parser stops at `,` and `)`, trims around the brackets, and treats a
// leading `"` as a quoted value with backslash escapes (QueryParams.hs, pListElement). Braces too,
// so the same quoting serves or() values, where a leading `{` starts an array literal.
const LIST_UNSAFE = /^$|^\s|\s$|[,(){}"\\]/;
// Postgres array literals additionally split on braces and read a bare NULL as SQL NULL.
const ARRAY_UNSAFE = /^$|^null$|[\s,{}()"\\]/i;

const quote = (s: string): string => '"' + s.replace(/["\\]/g, '\\$&') + '"';

/**
 * One element of an `in.(…)` list, or a value inside `or(…)`: quoted only when it must be.
 * Non-strings (numbers, booleans) are written as they print.
 *
 * @example db.from('t').select().or(`name.eq.${listItem(userInput)},id.eq.1`)
 */
export const listItem = (v: unknown): string =>
  typeof v == 'string' && LIST_UNSAFE.test(v) ? quote(v) : String(v);

/** `in.(a,b)` body: duplicates removed (as postgrest-js does), each element made safe. */
export const list = (values: readonly unknown[]): string =>
  '(' + [...new Set(values)].map(listItem).join(',') + ')';

/** A Postgres array literal `{a,b}` for `cs`, `cd` and `ov`. */
export const pgArray = (values: readonly unknown[]): string =>
  '{' +
  values
    .map((v) => (typeof v == 'string' && ARRAY_UNSAFE.test(v) ? quote(v) : String(v)))
    .join(',') +
  '}';

/**
 * `cs`/`cd`/`ov` operands: a string is passed through (already a literal, e.g. a range `[1,5)`),
 * an array becomes an array literal, anything else (a JSON object for jsonb) JSON.
 */
export const operand = (v: unknown): string =>
  typeof v == 'string' ? v : Array.isArray(v) ? pgArray(v) : JSON.stringify(v);

/**
 * Strips whitespace outside double quotes from a select list, as postgrest-js does, so
 * `'id, name'` and `'id,name'` send the same request.
 */
export const columns = (cols = '*'): string =>
  // Whitespace followed by an even number of quotes up to the end is outside any quoted name.
  cols.replace(/\s+(?=(?:[^"]*"[^"]*")*[^"]*$)/g, '');
