/**
 * The Stats API's planner and ranges: which store answers which report (docs/stats-api.md,
 * "Where an answer comes from"), and the comparison periods in a site's time zone.
 */
import { describe, expect, it } from 'vitest';
import type { StatsFilter } from '@sightline/schema';
import { plan, type PlanContext } from '../src/stats/planner.js';
import { comparisonRange, isWholeDays } from '../src/stats/range.js';
import { IngestError } from '../src/lib/errors.js';

const NOW = Date.UTC(2026, 11, 7, 12);
const ctx: PlanContext = {
  timeZone: 'Europe/Berlin',
  now: NOW,
  aeRetentionDays: 90,
  sessionRetentionDays: 400,
};
// Berlin midnights (UTC+1 in December).
const days = { from: Date.UTC(2026, 10, 30, 23), to: Date.UTC(2026, 11, 6, 23) };
const hours = { from: Date.UTC(2026, 11, 6, 10), to: Date.UTC(2026, 11, 6, 15) };
const old = { from: Date.UTC(2026, 0, 31, 23), to: Date.UTC(2026, 1, 28, 23) };

const code = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return e instanceof IngestError ? e.code : String(e);
  }
  return 'no error';
};

describe('the planner', () => {
  it('sends goal and event-property breakdowns to Postgres, or refuses them', () => {
    // Any range within the sessions' retention, whole days or not, Analytics Engine or none.
    for (const range of [days, hours, old])
      for (const aeRetentionDays of [90, 0])
        expect(
          plan('conversions', undefined, [['is', 'country', ['DE']]], range, {
            ...ctx,
            aeRetentionDays,
          }),
        ).toEqual({ source: 'postgres', filters: { country: 'DE' } });
    for (const filters of [
      [['is_not', 'country', ['DE']]],
      [['is', 'country', ['DE', 'FR']]],
      [['contains', 'referrer', ['goog']]],
    ] as StatsFilter[][])
      expect(code(() => plan('conversions', undefined, filters, days, ctx))).toBe(
        'unsupported_query',
      );
    const beyond = { from: NOW - 401 * 86_400_000, to: NOW - 400 * 86_400_000 };
    expect(code(() => plan('conversions', undefined, [], beyond, ctx))).toBe('beyond_retention');
  });

  const cases: [
    string,
    'overview' | 'breakdown',
    string | undefined,
    StatsFilter[],
    typeof days,
    string,
  ][] = [
    ['no filter, any range', 'overview', undefined, [], hours, 'postgres'],
    [
      'one rollup filter on whole days',
      'overview',
      undefined,
      [['is', 'country', ['DE']]],
      days,
      'postgres',
    ],
    [
      'country and page on whole days',
      'overview',
      undefined,
      [
        ['is', 'country', ['DE']],
        ['is', 'page', ['/']],
      ],
      days,
      'postgres',
    ],
    [
      'the same filter on hours',
      'overview',
      undefined,
      [['is', 'country', ['DE']]],
      hours,
      'analytics_engine',
    ],
    [
      'two session filters',
      'overview',
      undefined,
      [
        ['is', 'country', ['DE']],
        ['is', 'device', ['mobile']],
      ],
      days,
      'analytics_engine',
    ],
    ['is not', 'overview', undefined, [['is_not', 'country', ['DE']]], days, 'analytics_engine'],
    [
      'several values',
      'overview',
      undefined,
      [['is', 'country', ['DE', 'AT']]],
      days,
      'analytics_engine',
    ],
    [
      'exit page on hours (sessions)',
      'overview',
      undefined,
      [['is', 'exit_page', ['/']]],
      hours,
      'postgres',
    ],
    [
      'event filter on hours (sessions)',
      'overview',
      undefined,
      [['is', 'event', ['signup']]],
      hours,
      'postgres',
    ],
    [
      'a breakdown by its own filter, whole days',
      'breakdown',
      'country',
      [['is', 'country', ['DE']]],
      days,
      'postgres',
    ],
    ['a breakdown without filter on hours', 'breakdown', 'page', [], hours, 'analytics_engine'],
    ['a utm_term breakdown on hours (sessions)', 'breakdown', 'utm_term', [], hours, 'postgres'],
    ['no filter, older than Analytics Engine keeps', 'overview', undefined, [], old, 'postgres'],
    [
      'a rollup filter, older than Analytics Engine keeps',
      'overview',
      undefined,
      [['is', 'country', ['DE']]],
      old,
      'postgres',
    ],
  ];
  for (const [label, kind, dimension, filters, range, source] of cases)
    it(`${label} → ${source}`, () => {
      expect(plan(kind, dimension as never, filters, range, ctx).source).toBe(source);
    });

  it('refuses what no store answers, naming why', () => {
    expect(code(() => plan('overview', undefined, [['is_not', 'country', ['DE']]], old, ctx))).toBe(
      'beyond_retention',
    );
    expect(
      code(() => plan('overview', undefined, [['contains', 'exit_page', ['/']]], days, ctx)),
    ).toBe('unsupported_query');
    // Without Analytics Engine SQL, only Postgres' filters are answered.
    const pgOnly = { ...ctx, aeRetentionDays: 0 };
    expect(
      code(() => plan('overview', undefined, [['is_not', 'country', ['DE']]], days, pgOnly)),
    ).toBe('unsupported_query');
    expect(plan('overview', undefined, [['is', 'country', ['DE']]], hours, pgOnly).source).toBe(
      'postgres',
    );
  });

  it('does not read Analytics Engine before its points began (an upgraded deployment)', () => {
    const upgraded = { ...ctx, aeSince: Date.UTC(2026, 11, 3) };
    expect(
      code(() => plan('overview', undefined, [['is_not', 'country', ['DE']]], days, upgraded)),
    ).toBe('beyond_retention');
    expect(
      plan('overview', undefined, [['is_not', 'country', ['DE']]], hours, upgraded).source,
    ).toBe('analytics_engine');
    // Postgres' sessions still answer their own filters for that range.
    expect(plan('overview', undefined, [['is', 'exit_page', ['/']]], days, upgraded).source).toBe(
      'postgres',
    );
  });
});

describe('ranges in the site time zone', () => {
  it('whole days are local midnights', () => {
    expect(isWholeDays(days, 'Europe/Berlin')).toBe(true);
    expect(isWholeDays(days, 'UTC')).toBe(false);
  });

  it('compare with the previous period in local days, across a DST change', () => {
    // 2026-03-29 Berlin moves to UTC+2: the week before the week of Mar 30 starts at UTC+1 midnight.
    const week = { from: Date.UTC(2026, 2, 29, 22), to: Date.UTC(2026, 3, 5, 22) };
    expect(comparisonRange(week, 'previous_period', 'Europe/Berlin')).toEqual({
      from: Date.UTC(2026, 2, 22, 23),
      to: week.from,
    });
    expect(comparisonRange(hours, 'previous_period', 'Europe/Berlin')).toEqual({
      from: hours.from - 5 * 3_600_000,
      to: hours.from,
    });
  });

  it('compare with the same days a year before, still local midnights', () => {
    // December is UTC+1 in both years: local midnights map to local midnights.
    expect(comparisonRange(days, 'previous_year', 'Europe/Berlin')).toEqual({
      from: Date.UTC(2025, 10, 30, 23),
      to: Date.UTC(2025, 11, 6, 23),
    });
  });
});
