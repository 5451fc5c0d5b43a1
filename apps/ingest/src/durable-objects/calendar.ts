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

/** The zone's fields of `at` from Intl (what every other path here is checked against). */
export function formatted(at: number, timeZone: string): Local {
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

/** Local wall-clock time minus UTC at `at`, ms, from Intl. */
function formattedOffset(at: number, timeZone: string): number {
  const l = formatted(at, timeZone);
  const wall = Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, l.second);
  return wall - (at - (((at % 1000) + 1000) % 1000));
}

/**
 * Intl's formatToParts per event was a visible share of the object's CPU in a profile, and a
 * zone's offset changes a few times a year: each zone keeps the last span over which its offset
 * is known to hold (equal at both ends of SPAN_MS; two changes of offset are never that close).
 */
const SPAN_MS = 15 * 60_000;
const spans = new Map<string, { from: number; to: number; offset: number }>();

/** Local wall-clock time minus UTC at `at`, ms. */
function offset(at: number, timeZone: string): number {
  const span = spans.get(timeZone);
  if (span && at >= span.from && at <= span.to) return span.offset;
  const o = formattedOffset(at, timeZone);
  if (formattedOffset(at + SPAN_MS, timeZone) === o) {
    if (spans.size >= 1_000) spans.clear();
    spans.set(timeZone, { from: at, to: at + SPAN_MS, offset: o });
  }
  return o;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

function local(at: number, timeZone: string): Local {
  const wall = new Date(at + offset(at, timeZone));
  return {
    weekday: WEEKDAYS[wall.getUTCDay()]!,
    year: wall.getUTCFullYear(),
    month: wall.getUTCMonth() + 1,
    day: wall.getUTCDate(),
    hour: wall.getUTCHours(),
    minute: wall.getUTCMinutes(),
    second: wall.getUTCSeconds(),
  };
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
