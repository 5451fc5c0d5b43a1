import { describe, expect, it } from 'vitest';
import { resolveRange, startOfZonedDay, zonedDay } from '../../src/lib/date-range.js';
import { parseViewState, serializeViewState } from '../../src/lib/url-state.js';

describe('view state in the URL', () => {
  it('round-trips site, range, custom days and filters', () => {
    const state = {
      site: 'demo',
      range: 'custom' as const,
      from: '2026-01-01',
      to: '2026-01-07',
      filters: [
        { op: 'is' as const, dimension: 'country' as const, values: ['DE'] },
        { op: 'is' as const, dimension: 'page' as const, values: ['/pricing?x=1&y'] },
        { op: 'is_not' as const, dimension: 'browser' as const, values: ['Chrome', 'a,b&c=d'] },
        { op: 'contains' as const, dimension: 'referrer' as const, values: ['google'] },
        { op: 'does_not_contain' as const, dimension: 'utm_campaign' as const, values: [''] },
      ],
      compare: 'previous_year' as const,
    };
    const search = serializeViewState(state);
    expect(search).toContain('compare=previous_year');
    expect(search).toContain('f.country=DE');
    expect(search).toContain('f.browser.is_not=Chrome&f.browser.is_not=a%2Cb%26c%3Dd');
    expect(parseViewState(search)).toEqual(state);
  });

  it('drops operators a dimension does not take and keeps one value for those that take one', () => {
    const s = parseViewState(
      '?f.page.contains=x&f.page=/a&f.page=/b&f.country.matches=x&f.country.is.x=1&f.os=Linux',
    );
    expect(s.filters).toEqual([
      { op: 'is', dimension: 'page', values: ['/a'] },
      { op: 'is', dimension: 'os', values: ['Linux'] },
    ]);
  });

  it('falls back on unknown values instead of failing', () => {
    const s = parseViewState('?range=forever&from=yesterday&f.nope=1&f.device=mobile');
    expect(s).toEqual({
      site: null,
      range: '24h',
      from: null,
      to: null,
      filters: [{ op: 'is', dimension: 'device', values: ['mobile'] }],
      compare: 'previous_period',
    });
  });
});

describe('date ranges', () => {
  const now = new Date('2026-03-29T10:30:00Z'); // the day Berlin moves to summer time

  it('finds midnight in the site time zone, across a DST change', () => {
    expect(startOfZonedDay('2026-03-29', 'Europe/Berlin').toISOString()).toBe(
      '2026-03-28T23:00:00.000Z',
    );
    expect(startOfZonedDay('2026-03-30', 'Europe/Berlin').toISOString()).toBe(
      '2026-03-29T22:00:00.000Z',
    );
    expect(zonedDay(now, 'America/Los_Angeles')).toBe('2026-03-29');
  });

  it('resolves today hourly and 7 days daily, each with the period before', () => {
    const today = resolveRange('today', 'Europe/Berlin', now);
    expect(today.from.toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(today.to.toISOString()).toBe('2026-03-29T22:00:00.000Z');
    expect(today.resolution).toBe('hour');
    const week = resolveRange('7d', 'UTC', now);
    expect(week.from.toISOString()).toBe('2026-03-23T00:00:00.000Z');
    expect(week.to.toISOString()).toBe('2026-03-30T00:00:00.000Z');
    expect(week.resolution).toBe('day');
    expect(week.previous.to).toEqual(week.from);
    expect(week.previous.from.toISOString()).toBe('2026-03-16T00:00:00.000Z');
  });

  it('aligns 24 h to whole hours and orders a custom range', () => {
    const day = resolveRange('24h', 'UTC', now);
    expect(day.to.toISOString()).toBe('2026-03-29T11:00:00.000Z');
    const custom = resolveRange('custom', 'UTC', now, { from: '2026-02-01', to: '2026-01-01' });
    expect(custom.from.toISOString()).toBe('2026-02-01T00:00:00.000Z');
    expect(custom.to.toISOString()).toBe('2026-02-02T00:00:00.000Z');
  });
});
