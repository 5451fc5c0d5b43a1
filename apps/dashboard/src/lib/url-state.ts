/**
 * Everything a view depends on lives in the query string, so a URL shares the exact view:
 * `?site=…&range=7d&from=…&to=…&compare=previous_year&f.country=DE&f.referrer.contains=google`.
 */
import { RANGES, type RangeKey } from './date-range.js';
import { parseSegment, writeSegment, type Segment } from './segment.js';

/** What the overview and the chart compare with (the Stats API's `compare`). */
export const COMPARES = ['previous_period', 'previous_year'] as const;
export type Compare = (typeof COMPARES)[number];
export const COMPARE_LABELS: Record<Compare, string> = {
  previous_period: 'Previous period',
  previous_year: 'Same period last year',
};

export interface ViewState {
  site: string | null;
  range: RangeKey;
  /** Custom range days, `YYYY-MM-DD`, site time zone. */
  from: string | null;
  to: string | null;
  /** The filters (segment.ts). */
  filters: Segment;
  compare: Compare;
}

const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;

export function parseViewState(search: string): ViewState {
  const params = new URLSearchParams(search);
  const range = params.get('range');
  const day = (v: string | null): string | null => (v && DAY_RE.test(v) ? v : null);
  return {
    site: params.get('site') || null,
    range: (RANGES as readonly string[]).includes(range ?? '') ? (range as RangeKey) : '24h',
    from: day(params.get('from')),
    to: day(params.get('to')),
    filters: parseSegment(params),
    compare: params.get('compare') === 'previous_year' ? 'previous_year' : 'previous_period',
  };
}

export function serializeViewState(state: ViewState): string {
  const params = new URLSearchParams();
  if (state.site) params.set('site', state.site);
  params.set('range', state.range);
  if (state.range === 'custom') {
    if (state.from) params.set('from', state.from);
    if (state.to) params.set('to', state.to);
  }
  // The default stays out of the URL, so links from before the choice existed read the same.
  if (state.compare !== 'previous_period') params.set('compare', state.compare);
  writeSegment(params, state.filters);
  return `?${params.toString()}`;
}
