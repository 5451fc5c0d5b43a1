import { describe, expect, it } from 'vitest';
import {
  contentGroupOf,
  DEFAULT_CONTENT_GROUPS,
  goalMatches,
  isPathPattern,
  matchesPath,
  pathPatternSource,
  propText,
  type Goal,
} from '../src/conversions.js';

/** Pattern, path, match: the cases the database's private.path_pattern_regex is held to too. */
export const PATTERN_CASES: [string, string, boolean][] = [
  ['/checkout/*/done', '/checkout/42/done', true],
  ['/checkout/*/done', '/checkout/a/b/done', false],
  ['/checkout/*/done', '/checkout//done', true],
  ['/blog/**', '/blog/2026/hello', true],
  ['/blog/**', '/blog', false],
  ['/blog**', '/blog', true],
  ['/product**', '/products/mug', true],
  ['/product*', '/products/mug', false],
  ['/pricing', '/pricing', true],
  ['/pricing', '/pricing/', false],
  ['/a.b', '/aXb', false],
  ['/a+(b)', '/a+(b)', true],
  ['/[x]', '/[x]', true],
  ['/$1^', '/$1^', true],
  ['/c\\d', '/c\\d', true],
  ['/*', '/', true],
  ['/**/end', '/x/y/end', true],
  ['/#/orders/*', '/#/orders/7', true],
];

describe('path patterns', () => {
  it.each(PATTERN_CASES)('%s against %s: %s', (pattern, path, match) => {
    expect(matchesPath(pattern, path)).toBe(match);
  });

  it('compiles * within a segment and ** across, everything else literally', () => {
    expect(pathPatternSource('/checkout/*/done')).toBe('^/checkout/[^/]*/done$');
    expect(pathPatternSource('/a.b/**')).toBe('^/a\\.b/.*$');
  });

  it('accepts paths only', () => {
    expect(isPathPattern('/checkout/*/done')).toBe(true);
    for (const bad of ['', 'checkout', '/a?x=1', '/a#b', '/a\nb', `/${'x'.repeat(1024)}`])
      expect(isPathPattern(bad), bad).toBe(false);
  });
});

describe('goals', () => {
  const goal = (g: Partial<Goal>): Goal => ({
    id: 1,
    name: 'g',
    event_name: null,
    page_path: null,
    prop_key: null,
    prop_value: null,
    ...g,
  });

  it('an event goal: its event, and with a property match only that value', () => {
    const purchase = goal({ event_name: 'purchase' });
    expect(goalMatches(purchase, { type: 'custom', path: '/', name: 'purchase' })).toBe(true);
    expect(goalMatches(purchase, { type: 'custom', path: '/', name: 'signup' })).toBe(false);
    expect(goalMatches(purchase, { type: 'pageview', path: '/purchase' })).toBe(false);
    const pro = goal({ event_name: 'purchase', prop_key: 'plan', prop_value: 'pro' });
    const sent = (props: Record<string, unknown>) =>
      goalMatches(pro, { type: 'custom', path: '/', name: 'purchase', props: props as never });
    expect(sent({ plan: 'pro' })).toBe(true);
    expect(sent({ plan: 'basic' })).toBe(false);
    expect(sent({})).toBe(false);
    const seats = goal({ event_name: 'purchase', prop_key: 'seats', prop_value: '3' });
    expect(
      goalMatches(seats, { type: 'custom', path: '/', name: 'purchase', props: { seats: 3 } }),
    ).toBe(true);
  });

  it('a page goal: page views of a matching path', () => {
    const done = goal({ page_path: '/checkout/*/done' });
    expect(goalMatches(done, { type: 'pageview', path: '/checkout/9/done' })).toBe(true);
    expect(goalMatches(done, { type: 'heartbeat', path: '/checkout/9/done' })).toBe(false);
  });

  it('shows property values as text the way the reports do', () => {
    expect([propText('a'), propText(3), propText(1.5), propText(true), propText(null)]).toEqual([
      'a',
      '3',
      '1.5',
      'true',
      '',
    ]);
  });
});

describe('content groups', () => {
  it.each([
    ['/products/mug', 'product'],
    ['/product', 'product'],
    ['/cart', 'product'],
    ['/checkout/7/done', 'product'],
    ['/blog/launch', 'informational'],
    ['/docs', 'informational'],
    ['/account/orders', 'administrative'],
    ['/login', 'administrative'],
    ['/', null],
    ['/about', null],
  ])('the defaults put %s in %s', (path, group) => {
    expect(contentGroupOf(path, DEFAULT_CONTENT_GROUPS)).toBe(group);
  });

  it('takes the first rule that matches', () => {
    const rules = [
      { group: 'informational' as const, pattern: '/products/guide' },
      { group: 'product' as const, pattern: '/products/**' },
    ];
    expect(contentGroupOf('/products/guide', rules)).toBe('informational');
    expect(contentGroupOf('/products/mug', rules)).toBe('product');
  });
});
