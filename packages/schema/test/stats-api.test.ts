import { describe, expect, it } from 'vitest';
import {
  AeQueryError,
  BreakdownQuery,
  OverviewQuery,
  STATS_DIMENSIONS,
  DIMENSIONS,
  aeFilters,
  overviewSql,
  parseStatsQuery,
} from '../src/index.js';

const range = { from: '2026-12-01T00:00:00+01:00', to: '2026-12-08T00:00:00+01:00' };

describe('Stats API requests', () => {
  it('take filters as [operator, dimension, values] and fill the defaults', () => {
    const { data } = parseStatsQuery(BreakdownQuery, {
      ...range,
      dimension: 'page',
      filters: [['is_not', 'country', ['DE', 'AT']]],
    });
    expect(data).toEqual({
      ...range,
      dimension: 'page',
      limit: 10,
      filters: [['is_not', 'country', ['DE', 'AT']]],
    });
  });

  it('refuse unknown operators, dimensions and fields with a path per issue', () => {
    const { issues } = parseStatsQuery(OverviewQuery, {
      ...range,
      filters: [
        ['matches', 'country', ['DE']],
        ['is', 'colour', ['red']],
        ['is', 'country', []],
      ],
      extra: 1,
    });
    expect(issues?.map((i) => i.path).sort()).toEqual(
      ['', 'filters.0.0', 'filters.1.1', 'filters.2.2'].sort(),
    );
    expect(
      parseStatsQuery(OverviewQuery, { from: '2026-12-01', to: range.to }).issues?.[0]?.path,
    ).toBe('from');
  });

  it('take goal and event-property breakdowns, the property named, nothing else added', () => {
    expect(parseStatsQuery(BreakdownQuery, { ...range, dimension: 'goal' }).data).toEqual({
      ...range,
      dimension: 'goal',
      filters: [],
    });
    expect(
      parseStatsQuery(BreakdownQuery, {
        ...range,
        dimension: 'event_property',
        event: 'purchase',
        property: 'plan',
      }).data,
    ).toMatchObject({
      dimension: 'event_property',
      event: 'purchase',
      property: 'plan',
      limit: 10,
    });
    const paths = (input: Record<string, unknown>) =>
      parseStatsQuery(BreakdownQuery, { ...range, ...input }).issues?.map((i) => i.path);
    expect(paths({ dimension: 'event_property', event: 'purchase' })).toEqual(['property']);
    expect(paths({ dimension: 'event_property', event: '', property: 'x' })).toEqual(['event']);
    expect(paths({ dimension: 'goal', property: 'plan' })).toEqual(['']);
    expect(paths({ dimension: 'page', event: 'purchase' })).toEqual(['']);
    expect(paths({ dimension: 'goal; drop' })).toEqual(['dimension']);
  });

  it('keep one table of what each store does with every dimension', () => {
    expect(Object.keys(STATS_DIMENSIONS).sort()).toEqual([...DIMENSIONS].sort());
  });
});

describe('filters as Analytics Engine SQL', () => {
  it('compile each operator to a condition on the blob, values only as literals', () => {
    const { conditions, filters } = aeFilters([
      ['is', 'country', ['DE', "x' OR 1=1 --"]],
      ['is_not', 'device', ['mobile']],
      ['contains', 'referrer', ['Goog\\']],
      ['does_not_contain', 'entry_page', ['/a']],
      ['is', 'page', ['/docs']],
    ]);
    expect(conditions).toEqual([
      "blob6 IN ('DE', 'x\\' OR 1=1 --')",
      "blob9 NOT IN ('mobile')",
      "(position(lowerUTF8(blob4), lowerUTF8('Goog\\\\')) > 0)",
      "NOT (position(lowerUTF8(blob19), lowerUTF8('/a')) > 0)",
    ]);
    expect(filters).toEqual({ page: '/docs' });
    const sql = overviewSql({ site: 's', from: 0, to: 3_600_000, filters, conditions });
    for (const c of conditions) expect(sql).toContain(c);
  });

  it('refuse what the points cannot answer', () => {
    for (const filter of [
      ['is', 'exit_page', ['/']],
      ['is', 'event', ['signup']],
      ['contains', 'page', ['/d']],
      ['is', 'page', ['/a', '/b']],
      ['is', 'utm_term', ['x']],
    ] as const)
      expect(() => aeFilters([[filter[0], filter[1], [...filter[2]]]])).toThrow(AeQueryError);
  });
});
