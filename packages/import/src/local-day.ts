/**
 * The local day of an instant in an IANA time zone, as Sightline buckets days: the site's
 * midnight, across DST changes too. `Intl` is slow per call, so results are kept per quarter
 * hour (every zone's offset changes on a quarter-hour boundary).
 */
import { ImportError } from './errors.js';

const QUARTER = 15 * 60_000;

/** @example localDay('Europe/Berlin')(Date.UTC(2024, 0, 1, 23, 30)) // '2024-01-02' */
export function localDay(timeZone: string): (ms: number) => string {
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
  } catch (cause) {
    throw new ImportError(
      'invalid_value',
      `unknown time zone ${JSON.stringify(timeZone)}`,
      {},
      { cause },
    );
  }
  const cache = new Map<number, string>();
  return (ms) => {
    const quarter = Math.floor(ms / QUARTER);
    let day = cache.get(quarter);
    if (day === undefined) {
      const parts = format.formatToParts(ms);
      const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
      day = `${get('year')}-${get('month')}-${get('day')}`;
      // A bounded cache: exports are mostly in time order, so recent quarters are what repeats.
      if (cache.size > 4096) cache.clear();
      cache.set(quarter, day);
    }
    return day;
  };
}
