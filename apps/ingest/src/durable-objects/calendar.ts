/** Weekend and month of an instant in a site's time zone (UTC when the zone is unknown). */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', month: 'numeric' });
    } catch {
      f = formatter('UTC');
    }
    formatters.set(timeZone, f);
  }
  return f;
}

/**
 * @example
 * calendar(Date.UTC(2026, 10, 28), 'Europe/Berlin') // { weekend: true, month: 11 }
 */
export function calendar(at: number, timeZone: string): { weekend: boolean; month: number } {
  const parts = formatter(timeZone || 'UTC').formatToParts(at);
  const weekday = parts.find((p) => p.type === 'weekday')?.value;
  const month = Number(parts.find((p) => p.type === 'month')?.value);
  return {
    weekend: weekday === 'Sat' || weekday === 'Sun',
    month: month >= 1 && month <= 12 ? month : 1,
  };
}
