/**
 * The ranges of a Stats API request: instants in ms, whether they are whole local days of the
 * site (the rollups' unit), and the comparison period.
 */
import { localDayStart } from '../durable-objects/calendar.js';
import { IngestError } from '../lib/errors.js';

export interface Range {
  from: number;
  to: number;
}

/** A range of at most this long: two years and a day (a year compared with the one before). */
const MAX_RANGE_MS = 732 * 86_400_000;

/** Parses a validated request's `from` / `to`; refuses an empty or too long range. */
export function requestRange(from: string, to: string): Range {
  const range = { from: Date.parse(from), to: Date.parse(to) };
  if (!(range.to > range.from))
    throw new IngestError(400, 'invalid_range', '`to` must be after `from`');
  if (range.to - range.from > MAX_RANGE_MS)
    throw new IngestError(400, 'invalid_range', 'a range is at most two years long');
  return range;
}

/** Whether both ends are local midnights of the site's time zone. */
export function isWholeDays(range: Range, timeZone: string): boolean {
  return (
    localDayStart(range.from, timeZone) === range.from &&
    localDayStart(range.to, timeZone) === range.to
  );
}

/**
 * The period to compare with: the equal-length one before (in whole local days when the range is
 * whole days, as the report RPCs count it), or the same one a year earlier (local midnights
 * stay local midnights).
 */
export function comparisonRange(
  range: Range,
  compare: 'previous_period' | 'previous_year',
  timeZone: string,
): Range {
  if (compare === 'previous_year') {
    const back = (at: number) => {
      const d = new Date(at);
      d.setUTCFullYear(d.getUTCFullYear() - 1);
      const t = d.getTime();
      return localDayStart(at, timeZone) === at ? localDayStart(t + 43_200_000, timeZone) : t;
    };
    return { from: back(range.from), to: back(range.to) };
  }
  if (isWholeDays(range, timeZone)) {
    const days = Math.round((range.to - range.from) / 86_400_000);
    // Local midnight `days` days before `from`: noon that many days back, then its midnight.
    const from = localDayStart(range.from - days * 86_400_000 + 43_200_000, timeZone);
    return { from, to: range.from };
  }
  return { from: range.from - (range.to - range.from), to: range.from };
}
