/** Strings built to break PostgREST's URL grammar: its delimiters, quotes, escapes and unicode. */
import fc from 'fast-check';

const hostile = fc.constantFrom(
  ',',
  '(',
  ')',
  '"',
  '\\',
  '.',
  ' ',
  ':',
  '{',
  '}',
  '[',
  ']',
  '*',
  '%',
  '&',
  '=',
  '+',
  '#',
  '?',
  "'",
  'or',
  'and',
  'eq',
  'in',
  'not',
  'null',
  'NULL',
  'a',
  'é',
  '☃',
  '東',
  '🙂',
  '\t',
  '\n',
);

/** Postgres text cannot hold NUL, so it is left out; everything else is fair game. */
export const hostileString = fc
  .oneof(
    fc.string({ unit: hostile, maxLength: 12 }),
    fc.string({ unit: 'grapheme', maxLength: 12 }),
  )
  .filter((s) => !s.includes('\u0000'));
