/**
 * The usual visitors-now of a site at each hour of the day (UTC), learnt by its SiteLive object
 * for spike alerts on a multiple of it: a running mean per hour of one sample a minute. A minute
 * without any ingest call counts as 0 visitors (the tracker beats every 15 s while a page is
 * open, so no call for a minute means nobody is there), so quiet hours are learnt as quiet, not
 * skipped. Pure: SiteLive's spike-alert module keeps the state in storage.
 */

export interface UsualLevel {
  /** Mean visitors-now per UTC hour of the day (24 entries). */
  mean: number[];
  /** Samples per hour, capped at WINDOW (older samples then weigh less and less). */
  n: number[];
  /** The minute (ms / 60,000) of the last sample; 0: none yet. */
  minute: number;
}

/** About a week of one hour's minutes: the mean follows a change of habit within days. */
export const WINDOW = 7 * 60;
/** A multiple alert needs this many samples of the hour (three days of it) before it may fire. */
export const MIN_SAMPLES = 3 * 60;
/** Gaps longer than this (a site silent for over a week) are counted as this long. */
const MAX_GAP_MINUTES = 7 * 24 * 60;

export const emptyUsualLevel = (): UsualLevel => ({
  mean: Array.from({ length: 24 }, () => 0),
  n: Array.from({ length: 24 }, () => 0),
  minute: 0,
});

const hourOf = (minute: number): number => Math.floor(minute / 60) % 24;

function add(level: UsualLevel, minute: number, visitors: number): void {
  const h = hourOf(minute);
  level.n[h] = Math.min(level.n[h]! + 1, WINDOW);
  level.mean[h] = level.mean[h]! + (visitors - level.mean[h]!) / level.n[h];
}

/**
 * Adds this minute's sample (at most one a minute, the first call of the minute counts), and
 * zeros for the minutes since the last call. Returns whether anything changed.
 *
 * @example
 * observe(level, 12, Date.now());
 */
export function observe(level: UsualLevel, visitorsNow: number, now: number): boolean {
  const minute = Math.floor(now / 60_000);
  if (minute <= level.minute) return false;
  if (level.minute > 0) {
    const gap = Math.min(minute - level.minute - 1, MAX_GAP_MINUTES);
    for (let m = minute - gap; m < minute; m++) add(level, m, 0);
  }
  add(level, minute, visitorsNow);
  level.minute = minute;
  return true;
}

/** The usual visitors-now at this hour, or null while the hour has too few samples. */
export function usualAt(level: UsualLevel, now: number): number | null {
  const h = hourOf(Math.floor(now / 60_000));
  return level.n[h]! >= MIN_SAMPLES ? level.mean[h]! : null;
}
