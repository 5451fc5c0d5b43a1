// Saved segments in the filter bar. The database's side (who may save, rename, delete; the
// checks on names and filters) is tested against real Postgres in supabase/test/segments.test.ts
// and in Chromium in test/e2e/segments.test.ts; here the API is a fake in memory, to pin what
// the panel does with its answers.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SavedSegments } from '../../src/components/Filters/SavedSegments.js';
import type { ApiResult } from '../../src/lib/api.js';
import type { Segment } from '../../src/lib/segment.js';
import { toSegment, type SavedSegment, type SegmentsApi } from '../../src/lib/segments-api.js';
import { change, click, render, settle, text, type Rendered } from './render.js';

let mounted: Rendered | undefined;
afterEach(() => {
  mounted?.unmount();
  mounted = undefined;
});

const ok = <T,>(data: T): Promise<ApiResult<T>> => Promise.resolve({ data, error: null });

function fakeApi(rows: SavedSegment[]) {
  const create = vi.fn((_site: string, name: string, segment: Segment) => {
    const row = {
      id: String(rows.length + 1),
      name,
      filters: segment.map((c) => [c.op, c.dimension, c.values]),
      mine: true,
      can_edit: true,
    };
    rows.push(row);
    return ok(row);
  });
  const api: SegmentsApi = { list: () => ok([...rows]), create, rename: vi.fn(), remove: vi.fn() };
  return { api, create };
}

describe('saved segments', () => {
  it('reads stored filters, leaving out what this dashboard does not know', () => {
    expect(
      toSegment([
        ['is_not', 'browser', ['Firefox']],
        ['matches_future_op', 'browser', ['x']],
        ['is', 'no_such_dimension', ['x']],
        ['contains', 'referrer', ['google', 7]],
        'garbage',
      ]),
    ).toEqual([
      { op: 'is_not', dimension: 'browser', values: ['Firefox'] },
      { op: 'contains', dimension: 'referrer', values: ['google'] },
    ]);
    expect(toSegment(null)).toEqual([]);
  });

  it('applies a saved segment, marks the current one and saves the current filters', async () => {
    const { api, create } = fakeApi([
      {
        id: 'a',
        name: '<b>Bold</b>',
        filters: [['is', 'country', ['DE']]],
        mine: false,
        can_edit: false,
      },
    ]);
    const onApply = vi.fn();
    const filters: Segment = [{ op: 'contains', dimension: 'referrer', values: ['google'] }];
    mounted = await render(
      <SavedSegments segments={api} site="shop" filters={filters} onApply={onApply} />,
    );
    await settle();
    const toggle = mounted.container.querySelector('[data-testid=segments-toggle]');
    expect(text(toggle)).toBe('Segments (1)');
    await click(toggle);
    const row = mounted.container.querySelector('[data-testid=saved-segment]')!;
    // A name is text, never markup; a segment the caller may not change has no Rename/Delete.
    expect(row.querySelector('b')).toBeNull();
    expect(text(row)).toBe('<b>Bold</b>');
    await click(row.querySelector('button'));
    expect(onApply).toHaveBeenCalledWith([{ op: 'is', dimension: 'country', values: ['DE'] }]);

    await click(toggle);
    await change(mounted.container.querySelector('input[aria-label="Segment name"]'), 'Google');
    await click(
      [...mounted.container.querySelectorAll('button')].find((b) => text(b) === 'Save segment')!,
    );
    await settle();
    expect(create).toHaveBeenCalledWith('shop', 'Google', filters);
    expect(text(toggle)).toBe('Segments (2): Google');
  });
});
