import { afterEach, describe, expect, it, vi } from 'vitest';
import { FilterBar } from '../../src/components/Filters/FilterBar.js';
import { RangePicker } from '../../src/components/Layout/RangePicker.js';
import { ConnectionBadge } from '../../src/components/Live/ConnectionBadge.js';
import { click, render, text, type Rendered } from './render.js';

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
    mounted = await render(
      <FilterBar filters={{ country: 'DE', page: '/pricing' }} onRemove={onRemove} />,
    );
    const chips = [...mounted.container.querySelectorAll('button.chip')];
    expect(chips.map(text)).toEqual(['Countries: DE ×', 'Pages: /pricing ×', 'Clear all']);
    await click(chips[1]!);
    expect(onRemove).toHaveBeenLastCalledWith('page');
    await click(chips[2]!);
    expect(onRemove).toHaveBeenLastCalledWith(null);
  });

  it('renders nothing without filters, and names the connection state', async () => {
    mounted = await render(
      <>
        <FilterBar filters={{}} onRemove={vi.fn()} />
        <ConnectionBadge state="reconnecting" />
      </>,
    );
    expect(mounted.container.querySelector('.filter-bar')).toBe(null);
    expect(text(mounted.container.querySelector('[data-testid=connection]'))).toBe('Reconnecting…');
  });
});
