/**
 * Date ranges → the `[from, to)` instants and resolution the stats RPCs take. "Today" and custom
 * days are calendar days in the SITE's time zone (the RPCs bucket in it too), not the viewer's.
 */
export const RANGES = ['realtime', 'today', '24h', '7d', '30d', 'custom'] as const;
export type RangeKey = (typeof RANGES)[number];

export const RANGE_LABELS: Record<RangeKey, string> = {
  realtime: 'Realtime',
  today: 'Today',
  '24h': '24 h',
  '7d': '7 days',
  '30d': '30 days',
  custom: 'Custom',
};

export interface ResolvedRange {
  from: Date;
  to: Date;
  resolution: 'hour' | 'day';
  /** The same length immediately before, for comparison. */
  previous: { from: Date; to: Date };
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Offset of `timeZone` from UTC at `at`, in ms (positive east of Greenwich). */
export function zoneOffsetMs(timeZone: string, at: Date): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(at);
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return asUtc - Math.floor(at.getTime() / 1000) * 1000;
}

/** The instant a calendar day (`YYYY-MM-DD`) starts in `timeZone`. */
export function startOfZonedDay(day: string, timeZone: string): Date {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const guess = Date.UTC(y, m - 1, d);
  // Two passes settle days whose offset differs from the offset at UTC midnight (DST changes).
  let t = guess - zoneOffsetMs(timeZone, new Date(guess));
  t = guess - zoneOffsetMs(timeZone, new Date(t));
  return new Date(t);
}

/** `YYYY-MM-DD` of `at` in `timeZone`. */
export function zonedDay(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(at);
}

export function addDays(day: string, n: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

export function resolveRange(
  range: RangeKey,
  timeZone: string,
  now: Date,
  custom?: { from: string; to: string },
): ResolvedRange {
  let from: Date;
  let to: Date;
  switch (range) {
    case 'realtime':
      to = now;
      from = new Date(now.getTime() - 30 * 60_000);
      break;
    case 'today':
      from = startOfZonedDay(zonedDay(now, timeZone), timeZone);
      to = startOfZonedDay(addDays(zonedDay(now, timeZone), 1), timeZone);
      break;
    case '24h':
      // Whole hours, so hourly buckets line up with the previous period's.
      to = new Date(Math.ceil(now.getTime() / HOUR) * HOUR);
      from = new Date(to.getTime() - DAY);
      break;
    case '7d':
    case '30d': {
      const days = range === '7d' ? 7 : 30;
      const today = zonedDay(now, timeZone);
      to = startOfZonedDay(addDays(today, 1), timeZone);
      from = startOfZonedDay(addDays(today, 1 - days), timeZone);
      break;
    }
    case 'custom': {
      const first = custom?.from ?? zonedDay(now, timeZone);
      const last = custom?.to && custom.to >= first ? custom.to : first;
      from = startOfZonedDay(first, timeZone);
      to = startOfZonedDay(addDays(last, 1), timeZone);
      break;
    }
  }
  const length = to.getTime() - from.getTime();
  return {
    from,
    to,
    resolution: length <= 2 * DAY ? 'hour' : 'day',
    previous: { from: new Date(from.getTime() - length), to: from },
  };
}
