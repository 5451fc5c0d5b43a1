// The calendar's cached zone offsets must give what Intl gives for every instant, around the
// offset changes of the zones sites use (a stale span would put events in the wrong hour or day).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  calendar,
  formatted,
  localDayStart,
  localHourStart,
} from '../src/durable-objects/calendar.js';

const ZONES = [
  'UTC',
  'Europe/Berlin',
  'America/New_York',
  'America/Sao_Paulo',
  'Asia/Kolkata',
  'Australia/Lord_Howe', // a half-hour change of offset
  'Pacific/Chatham',
  'Asia/Kathmandu',
  'not/a-zone', // falls back to UTC
];

/** What the functions answered before the cache: straight from Intl. */
function reference(at: number, zone: string) {
  const l = formatted(at, zone);
  const ms = ((at % 1000) + 1000) % 1000;
  const hourStart = at - ms - (l.minute * 60 + l.second) * 1000;
  const wallOffset = (t: number) => {
    const w = formatted(t, zone);
    return (
      Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) -
      (t - (((t % 1000) + 1000) % 1000))
    );
  };
  const midnight = Date.UTC(l.year, l.month - 1, l.day);
  const guess = midnight - wallOffset(at);
  return {
    weekend: l.weekday === 'Sat' || l.weekday === 'Sun',
    month: l.month,
    hourStart,
    dayStart: midnight - wallOffset(guess),
  };
}

function check(at: number, zone: string): void {
  expect({
    ...calendar(at, zone),
    hourStart: localHourStart(at, zone),
    dayStart: localDayStart(at, zone),
  }).toEqual(reference(at, zone));
}

describe('calendar with cached zone offsets', () => {
  it('agrees with Intl on instants in order, across offset changes (2026)', () => {
    const from = Date.UTC(2026, 0, 1);
    for (const zone of ZONES)
      // Every 1 h 34 min through the year: each change of offset is crossed in order.
      for (let at = from; at < from + 366 * 86_400_000; at += 433_000 * 13) check(at, zone);
  });

  it('agrees with Intl on random instants in random order', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2040, 0, 1) }),
        fc.constantFrom(...ZONES),
        (at, zone) => check(at, zone),
      ),
      { numRuns: 3_000 },
    );
  });

  it('agrees with Intl minute by minute around a change of offset', () => {
    // Europe/Berlin leaves summer time at 01:00 UTC on 25 October 2026.
    const change = Date.UTC(2026, 9, 25, 1);
    for (let at = change - 3_600_000; at <= change + 3_600_000; at += 60_000)
      check(at, 'Europe/Berlin');
  });
});
