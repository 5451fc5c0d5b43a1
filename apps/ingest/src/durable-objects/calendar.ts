/**
 * Calendar facts of an instant in a site's time zone (UTC when the zone is unknown): weekend and
 * month for the value score, and the starts of its local hour and day, which are the report
 * buckets (Postgres' `date_trunc('hour' | 'day', t, tz)`).
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        weekday: 'short',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      f = formatter('UTC');
    }
    formatters.set(timeZone, f);
  }
  return f;
}

interface Local {
  weekday: string;
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function local(at: number, timeZone: string): Local {
  const out: Record<string, string> = {};
  for (const p of formatter(timeZone || 'UTC').formatToParts(at)) out[p.type] = p.value;
  return {
    weekday: out.weekday ?? '',
    year: Number(out.year),
    month: Number(out.month),
    day: Number(out.day),
    hour: Number(out.hour),
    minute: Number(out.minute),
    second: Number(out.second),
  };
}

/** Local wall-clock time minus UTC at `at`, ms. */
function offset(at: number, timeZone: string): number {
  const l = local(at, timeZone);
  const wall = Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, l.second);
  return wall - (at - (((at % 1000) + 1000) % 1000));
}

/**
 * @example
 * calendar(Date.UTC(2026, 10, 28), 'Europe/Berlin') // { weekend: true, month: 11 }
 */
export function calendar(at: number, timeZone: string): { weekend: boolean; month: number } {
  const { weekday, month } = local(at, timeZone);
  return {
    weekend: weekday === 'Sat' || weekday === 'Sun',
    month: month >= 1 && month <= 12 ? month : 1,
  };
}

/**
 * The instant the local hour of `at` began (zones offset by a half or three quarters of an hour
 * included).
 *
 * @example
 * localHourStart(Date.UTC(2026, 0, 1, 10, 15), 'Asia/Kolkata') // Date.UTC(2026, 0, 1, 9, 30)
 */
export function localHourStart(at: number, timeZone: string): number {
  const l = local(at, timeZone);
  return at - (((at % 1000) + 1000) % 1000) - (l.minute * 60 + l.second) * 1000;
}

/**
 * The instant the local day of `at` began (its local midnight, with that moment's offset).
 *
 * @example
 * localDayStart(Date.UTC(2026, 6, 1, 12), 'Europe/Berlin') // Date.UTC(2026, 5, 30, 22)
 */
export function localDayStart(at: number, timeZone: string): number {
  const l = local(at, timeZone);
  const midnightWall = Date.UTC(l.year, l.month - 1, l.day);
  const guess = midnightWall - offset(at, timeZone);
  return midnightWall - offset(guess, timeZone);
}
