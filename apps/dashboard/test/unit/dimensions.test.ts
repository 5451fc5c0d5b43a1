// The dashboard's breakdowns, labels and cards come from the dimension registry:
// every dimension the report RPCs take has a label and exactly one card, in registry order.
import { DIMENSION_SPECS as REGISTRY } from '@sightline/schema/dimensions';
import { describe, expect, it } from 'vitest';
import {
  DIMENSION_LABELS,
  DIMENSIONS,
  REPORT_GROUPS,
  isDimension,
} from '../../src/lib/dimensions.js';

describe('dashboard dimensions', () => {
  it('lists every registry dimension once, on one card, with a label', () => {
    expect(DIMENSIONS).toEqual(REGISTRY.map((d) => d.name));
    expect(REPORT_GROUPS.flat()).toEqual(DIMENSIONS);
    for (const d of DIMENSIONS) expect(DIMENSION_LABELS[d]).toMatch(/\S/);
  });

  it('keeps the cards of the reports page', () => {
    expect(REPORT_GROUPS).toEqual([
      ['page', 'entry_page', 'exit_page'],
      ['referrer', 'referrer_class'],
      ['country', 'region', 'city'],
      ['device', 'browser', 'os'],
      ['utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content', 'click_id'],
      ['event'],
    ]);
    expect(DIMENSION_LABELS.referrer_class).toBe('Channels');
  });

  it('tells a dimension from any other string (URL state)', () => {
    expect(isDimension('country')).toBe(true);
    expect(isDimension('colour')).toBe(false);
  });
});
