/**
 * A tokenizer for the SQL that Analytics Engine accepts: words, quoted identifiers, string and
 * number literals, operators, comments. It follows ClickHouse's lexical rules where the two
 * overlap (backslash escapes and doubled quotes in strings) and turns anything else (heredocs,
 * `#` comments, `$`, `?`) into an error, so the checker never guesses what a character means.
 */
import { AnalyticsEngineQueryError } from './query-error.js';

export type TokenKind = 'word' | 'quoted' | 'string' | 'number' | 'op';

export interface Token {
  kind: TokenKind;
  /** The source text of the token (quotes included for strings and quoted identifiers). */
  text: string;
  /** For `word` and `quoted`: the identifier; for `string`: the unescaped value. */
  value: string;
  start: number;
  end: number;
}

const OPERATORS = [
  '<=',
  '>=',
  '<>',
  '!=',
  '==',
  '||',
  '::',
  '->',
  '(',
  ')',
  ',',
  '.',
  ';',
  '*',
  '+',
  '-',
  '/',
  '%',
  '=',
  '<',
  '>',
  '[',
  ']',
  '{',
  '}',
  ':',
  '?',
  '!',
  '^',
  '@',
  '&',
  '|',
  '~',
];

const WORD_START = /[A-Za-z_]/;
const WORD_PART = /[A-Za-z0-9_]/;
const DIGIT = /[0-9]/;

function invalid(message: string): AnalyticsEngineQueryError {
  return new AnalyticsEngineQueryError('SYNTAX_ERROR', message);
}

/** Reads a quoted run starting at `start` (the opening quote); returns its end and value. */
function readQuoted(sql: string, start: number): { end: number; value: string } {
  const quote = sql[start]!;
  let value = '';
  let i = start + 1;
  while (i < sql.length) {
    const ch = sql[i]!;
    if (ch === '\\') {
      const next = sql[i + 1];
      if (next === undefined) break;
      const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0' };
      value += escapes[next] ?? next;
      i += 2;
      continue;
    }
    if (ch === quote) {
      if (sql[i + 1] === quote) {
        value += quote;
        i += 2;
        continue;
      }
      return { end: i + 1, value };
    }
    value += ch;
    i += 1;
  }
  throw invalid(`unterminated ${quote === "'" ? 'string literal' : 'quoted identifier'}`);
}

function readNumber(sql: string, start: number): number {
  let i = start;
  if (sql[i] === '0' && /[xXbB]/.test(sql[i + 1] ?? '')) {
    throw invalid('hexadecimal and binary number literals are not supported');
  }
  while (DIGIT.test(sql[i] ?? '')) i++;
  if (sql[i] === '.' && DIGIT.test(sql[i + 1] ?? '')) {
    i++;
    while (DIGIT.test(sql[i] ?? '')) i++;
  }
  if (/[eE]/.test(sql[i] ?? '') && /[0-9+-]/.test(sql[i + 1] ?? '')) {
    i += 2;
    while (DIGIT.test(sql[i] ?? '')) i++;
  }
  if (WORD_PART.test(sql[i] ?? '')) throw invalid(`malformed number near position ${start}`);
  return i;
}

/**
 * Splits `sql` into tokens, dropping whitespace and comments.
 *
 * @example
 * tokenize("SELECT blob1 FROM t WHERE blob2 = 'a''b'").map((t) => t.text);
 */
export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (ch === '-' && sql[i + 1] === '-') {
      const newline = sql.indexOf('\n', i);
      i = newline === -1 ? sql.length : newline + 1;
      continue;
    }
    if (ch === '/' && sql[i + 1] === '*') {
      const close = sql.indexOf('*/', i + 2);
      if (close === -1) throw invalid('unterminated comment');
      i = close + 2;
      continue;
    }
    if (ch === "'" || ch === '"' || ch === '`') {
      const { end, value } = readQuoted(sql, i);
      tokens.push({
        kind: ch === "'" ? 'string' : 'quoted',
        text: sql.slice(i, end),
        value,
        start: i,
        end,
      });
      i = end;
      continue;
    }
    if (DIGIT.test(ch) || (ch === '.' && DIGIT.test(sql[i + 1] ?? ''))) {
      const end = readNumber(sql, i);
      tokens.push({
        kind: 'number',
        text: sql.slice(i, end),
        value: sql.slice(i, end),
        start: i,
        end,
      });
      i = end;
      continue;
    }
    if (WORD_START.test(ch)) {
      let end = i + 1;
      while (WORD_PART.test(sql[end] ?? '')) end++;
      const text = sql.slice(i, end);
      tokens.push({ kind: 'word', text, value: text, start: i, end });
      i = end;
      continue;
    }
    const op = OPERATORS.find((candidate) => sql.startsWith(candidate, i));
    if (!op) throw invalid(`unexpected character ${JSON.stringify(ch)} at position ${i}`);
    tokens.push({ kind: 'op', text: op, value: op, start: i, end: i + op.length });
    i += op.length;
  }
  return tokens;
}
