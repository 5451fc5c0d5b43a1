/**
 * The days "Export history" offers by default: up to yesterday in the site's zone (today is
 * not over), from the site's first day with data, but no more than the last 12 months.
 */
import { addDays, zonedDay } from './date-range.js';

export interface ExportRange {
  from: string;
  to: string;
}

/** Why a picked range is refused, or null: the code is shown with the message. */
export interface ExportRangeProblem {
  code: 'bad_range';
  message: string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function defaultExportRange(
  now: Date,
  timeZone: string,
  firstDay: string | null,
): ExportRange {
  const today = zonedDay(now, timeZone);
  const to = addDays(today, -1);
  const [y, m, d] = today.split('-').map(Number) as [number, number, number];
  // The same date a year back (28 February for 29 February), so twelve months end yesterday.
  const yearAgo = new Date(Date.UTC(y - 1, m - 1, Math.min(d, m === 2 ? 28 : d)))
    .toISOString()
    .slice(0, 10);
  const from = firstDay && firstDay > yearAgo ? (firstDay > to ? to : firstDay) : yearAgo;
  return { from, to };
}

export function checkExportRange(range: ExportRange, yesterday: string): ExportRangeProblem | null {
  if (!DAY.test(range.from) || !DAY.test(range.to))
    return { code: 'bad_range', message: 'Pick both the first and the last day' };
  if (range.from > range.to)
    return { code: 'bad_range', message: 'The first day is after the last day' };
  if (range.to > yesterday)
    return { code: 'bad_range', message: `The last day can be yesterday (${yesterday}) at most` };
  return null;
}

/** The earliest day of data the site has: its own first day or an import's first day. */
export function firstDayOfData(days: (string | null | undefined)[]): string | null {
  const known = days.filter((d): d is string => typeof d === 'string' && DAY.test(d));
  return known.length ? known.reduce((a, b) => (a < b ? a : b)) : null;
}
