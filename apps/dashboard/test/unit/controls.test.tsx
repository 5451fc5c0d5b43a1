import { afterEach, describe, expect, it, vi } from 'vitest';
import { FilterBar } from '../../src/components/Filters/FilterBar.js';
import { RangePicker } from '../../src/components/Layout/RangePicker.js';
import { ConnectionBadge } from '../../src/components/Live/ConnectionBadge.js';
import { change, click, render, text, type Rendered } from './render.js';

let mounted: Rendered | undefined;
afterEach(() => {
  mounted?.unmount();
  mounted = undefined;
});

describe('controls', () => {
  it('switches ranges and shows day inputs only for a custom range', async () => {
    const onChange = vi.fn();
    mounted = await render(<RangePicker range="7d" from={null} to={null} onChange={onChange} />);
    expect(mounted.container.querySelectorAll('input[type=date]')).toHaveLength(0);
    const pressed = mounted.container.querySelector('[aria-pressed=true]');
    expect(text(pressed)).toBe('7 days');
    await click(
      [...mounted.container.querySelectorAll('button')].find((b) => text(b) === 'Custom')!,
    );
    expect(onChange).toHaveBeenCalledWith({ range: 'custom' });
    mounted.unmount();
    mounted = await render(
      <RangePicker range="custom" from="2026-01-01" to="2026-01-07" onChange={onChange} />,
    );
    const inputs = mounted.container.querySelectorAll<HTMLInputElement>('input[type=date]');
    expect([...inputs].map((i) => i.value)).toEqual(['2026-01-01', '2026-01-07']);
  });

  it('removes one filter or all of them', async () => {
    const onRemove = vi.fn();
    const filters = [
      { op: 'is' as const, dimension: 'country' as const, values: ['DE'] },
      { op: 'is_not' as const, dimension: 'browser' as const, values: ['Chrome', 'Edge'] },
    ];
    mounted = await render(<FilterBar filters={filters} onAdd={vi.fn()} onRemove={onRemove} />);
    const chips = [...mounted.container.querySelectorAll('button.chip')];
    expect(chips.map(text)).toEqual([
      'Countries: DE ×',
      'Browsers is not: Chrome, Edge ×',
      'Clear all',
      '+ Filter',
    ]);
    await click(chips[1]!);
    expect(onRemove).toHaveBeenLastCalledWith(1);
    await click(chips[2]!);
    expect(onRemove).toHaveBeenLastCalledWith(null);
  });

  it('adds a filter with an operator the dimension takes', async () => {
    const onAdd = vi.fn();
    mounted = await render(<FilterBar filters={[]} onAdd={onAdd} onRemove={vi.fn()} />);
    await click(mounted.container.querySelector('button.add'));
    const form = mounted.container.querySelector('form.add-filter')!;
    const [dimension, operator] = [...form.querySelectorAll('select')];
    await change(dimension!, 'page');
    // A page filter makes the figures the page's own: `is` only.
    expect([...operator!.querySelectorAll('option')].map(text)).toEqual(['is']);
    await change(dimension!, 'referrer');
    expect([...operator!.querySelectorAll('option')].map(text)).toEqual([
      'is',
      'is not',
      'contains',
      'does not contain',
    ]);
    await change(operator!, 'contains');
    await change(form.querySelector('input'), 'google');
    await click(form.querySelector('button[type=submit]'));
    expect(onAdd).toHaveBeenCalledWith({
      dimension: 'referrer',
      op: 'contains',
      values: ['google'],
    });
    expect(mounted.container.querySelector('form.add-filter')).toBe(null);
  });

  it('shows only the add button without filters, and names the connection state', async () => {
    mounted = await render(
      <>
        <FilterBar filters={[]} onAdd={vi.fn()} onRemove={vi.fn()} />
        <ConnectionBadge state="reconnecting" />
      </>,
    );
    expect([...mounted.container.querySelectorAll('.filter-bar button')].map(text)).toEqual([
      '+ Filter',
    ]);
    expect(text(mounted.container.querySelector('[data-testid=connection]'))).toBe('Reconnecting…');
  });
});
