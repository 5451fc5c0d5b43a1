/**
 * Parsing of single CSV values: days, counts and timestamps. Each throws an `ImportError`
 * without a location; the caller adds the file, line and column.
 */
import { ImportError } from './errors.js';

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
/** Analytics history older than this is a wrong date, not history. */
export const MIN_DAY = '1990-01-01';
export const MAX_DAY = '2099-12-31';

/** @example parseDay('2024-02-29') // '2024-02-29' */
export function parseDay(text: string): string {
  const m = DAY.exec(text);
  if (!m || !validDate(+m[1]!, +m[2]!, +m[3]!))
    throw new ImportError('invalid_date', `not a date (YYYY-MM-DD): ${quote(text)}`);
  if (text < MIN_DAY || text > MAX_DAY)
    throw new ImportError('date_out_of_range', `${text} is outside ${MIN_DAY}..${MAX_DAY}`);
  return text;
}

/** A day written `YYYYMMDD`, as in Plausible's file names. */
export function parseCompactDay(text: string): string {
  return parseDay(`${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6, 8)}`);
}

function validDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const days = [
    31,
    y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28,
    31,
    30,
    31,
    30,
    31,
    31,
    30,
    31,
    30,
    31,
  ];
  return d <= days[m - 1]!;
}

/** A non-negative integer count. @example parseCount('42') // 42 */
export function parseCount(text: string): number {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    if (!Number.isSafeInteger(n))
      throw new ImportError(
        'number_too_large',
        `${text} is larger than ${Number.MAX_SAFE_INTEGER}`,
      );
    return n;
  }
  if (/^-\s*\d/.test(text))
    throw new ImportError('negative_number', `a count cannot be negative: ${quote(text)}`);
  throw new ImportError('invalid_number', `not a whole number: ${quote(text)}`);
}

const STAMP =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * A timestamp as Umami's exports write it (`2024-05-01 13:04:05`, UTC unless an offset is
 * given; ISO 8601 with `T`, fractions and `Z` also accepted), as epoch milliseconds.
 */
export function parseTimestamp(text: string): number {
  const m = STAMP.exec(text);
  if (!m || !validDate(+m[1]!, +m[2]!, +m[3]!) || +m[4]! > 23 || +m[5]! > 59 || +m[6]! > 60)
    throw new ImportError('invalid_timestamp', `not a timestamp: ${quote(text)}`);
  let ms = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
  if (m[7]) ms += Math.floor(Number(`0${m[7]}`) * 1000);
  const zone = m[8];
  if (zone && zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  const day = new Date(ms).toISOString().slice(0, 10);
  if (day < MIN_DAY || day > MAX_DAY)
    throw new ImportError('date_out_of_range', `${text} is outside ${MIN_DAY}..${MAX_DAY}`);
  return ms;
}

/**
 * Cuts a value to `max` UTF-16 code units, as the Worker caps what it stores, without leaving
 * half of a surrogate pair. @example cap('abc', 2) // 'ab'
 */
export function cap(text: string, max: number): string {
  if (text.length <= max) return text;
  const code = text.charCodeAt(max - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}

export const quote = (text: string): string =>
  JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
