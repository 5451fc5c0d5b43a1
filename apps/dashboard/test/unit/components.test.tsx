import { afterEach, describe, expect, it, vi } from 'vitest';
import { TokenScreen } from '../../src/components/Auth/TokenScreen.js';
import { ErrorBoundary } from '../../src/components/Errors/ErrorBoundary.js';
import { EventFeed } from '../../src/components/Live/EventFeed.js';
import { LiveCount } from '../../src/components/Live/LiveCount.js';
import { BreakdownCard } from '../../src/components/Reports/BreakdownCard.js';
import { OverviewCards } from '../../src/components/Reports/OverviewCards.js';
import { filterLive } from '../../src/components/Live/LiveSection.js';
import { fromSnapshotRows } from '../../src/lib/live-state.js';
import type { Api, BreakdownRow } from '../../src/lib/api.js';
import { reportReader } from '../../src/lib/report-reader.js';
import { click, render, settle, text, type Rendered } from './render.js';

let mounted: Rendered | undefined;
afterEach(() => {
  mounted?.unmount();
  mounted = undefined;
});

const row = (value: string, visitors: number): BreakdownRow => ({
  value,
  visitors,
  visits: visitors,
  pageviews: visitors * 2,
  bounce_rate: 0.5,
  engaged_ms: 1000,
});

function fakeApi(rows: Record<string, BreakdownRow[]>) {
  const breakdown = vi.fn((q: { dimension: string }) =>
    Promise.resolve({ data: rows[q.dimension] ?? [], error: null }),
  );
  const api = { breakdown, stats: null } as unknown as Api;
  return { api, breakdown, reader: reportReader(api, null, []) };
}

describe('BreakdownCard', () => {
  const base = { site: 's', from: new Date(0), to: new Date(1000), filters: [] };

  it('lists rows, filters on click and switches dimension by tab', async () => {
    const { api, breakdown, reader } = fakeApi({
      page: [row('/', 7), row('/pricing', 3)],
      entry_page: [row('/landing', 4)],
    });
    const onFilter = vi.fn();
    mounted = await render(
      <BreakdownCard
        api={api}
        reader={reader}
        {...base}
        dimensions={['page', 'entry_page']}
        onFilter={onFilter}
      />,
    );
    await settle();
    const cells = [...mounted.container.querySelectorAll('tbody tr')].map((tr) =>
      [...tr.querySelectorAll('td')].map(text),
    );
    expect(cells).toEqual([
      ['/', '7', '14'],
      ['/pricing', '3', '6'],
    ]);
    await click(mounted.container.querySelectorAll('tbody tr button')[1]!);
    expect(onFilter).toHaveBeenCalledWith('page', '/pricing');

    await click(
      [...mounted.container.querySelectorAll('[role=tab]')].find((b) => text(b) === 'Entry pages')!,
    );
    await settle();
    expect(breakdown).toHaveBeenLastCalledWith(
      expect.objectContaining({ dimension: 'entry_page', limit: 10 }),
    );
    expect(text(mounted.container.querySelector('tbody td'))).toBe('/landing');
  });

  it("adds a selected goal's columns: conversions, rate of the row's visitors, revenue", async () => {
    const { api, reader } = fakeApi({ country: [row('DE', 8), row('FR', 4), row('JP', 2)] });
    const goalBreakdown = vi.fn((q: { values: readonly string[] }) =>
      Promise.resolve({
        data: [
          { value: 'DE', visitors: 2, conversions: 3, revenue: { EUR: 98 } },
          { value: 'FR', visitors: 1, conversions: 1, revenue: {} },
        ].filter((r) => q.values.includes(r.value)),
        error: null,
      }),
    );
    (api as unknown as { conversions: unknown }).conversions = { goalBreakdown };
    const props = { api, reader, ...base, dimensions: ['country'] as const, onFilter: vi.fn() };
    mounted = await render(<BreakdownCard {...props} goal={{ id: 7, name: 'Purchase' }} />);
    await settle();
    await settle();
    expect(goalBreakdown).toHaveBeenLastCalledWith(
      expect.objectContaining({ goal: 7, dimension: 'country', values: ['DE', 'FR', 'JP'] }),
    );
    const cells = [...mounted.container.querySelectorAll('tbody tr')].map((tr) =>
      [...tr.querySelectorAll('td')].map(text),
    );
    expect(cells).toEqual([
      ['DE', '8', '50%', '2', '25%', '€98.00'],
      ['FR', '4', '50%', '1', '25%', ''],
      ['JP', '2', '50%', '0', '0%', ''],
    ]);

    // A goal without revenue in these rows: no revenue column; no goal: no columns.
    goalBreakdown.mockImplementation(() =>
      Promise.resolve({
        data: [{ value: 'JP', visitors: 1, conversions: 1, revenue: {} }],
        error: null,
      }),
    );
    mounted.unmount();
    mounted = await render(<BreakdownCard {...props} goal={{ id: 8, name: 'Signup' }} />);
    await settle();
    await settle();
    expect([...mounted.container.querySelectorAll('th')].map(text)).toEqual([
      'Countries',
      'Visitors',
      'Bounce',
      'Conv.',
      'CR',
    ]);
    mounted.unmount();
    mounted = await render(<BreakdownCard {...props} goal={null} />);
    await settle();
    expect(mounted.container.querySelectorAll('th')).toHaveLength(3);
  });

  it('says so when there is no data', async () => {
    const { api, reader } = fakeApi({});
    mounted = await render(
      <BreakdownCard
        api={api}
        reader={reader}
        {...base}
        dimensions={['event']}
        onFilter={vi.fn()}
      />,
    );
    await settle();
    expect(mounted.container.textContent).toContain('No data for this period.');
  });
});

describe('OverviewCards', () => {
  it('shows each number with its change against the previous period', async () => {
    const numbers = {
      visitors: 120,
      visits: 150,
      pageviews: 400,
      bounce_rate: 0.25,
      engaged_ms: 0,
      avg_engaged_ms: 65_000,
    };
    const overview = { ...numbers, previous: { ...numbers, visitors: 100, bounce_rate: 0.5 } };
    const onSelect = vi.fn();
    mounted = await render(
      <OverviewCards overview={overview} selected="visitors" onSelect={onSelect} />,
    );
    const q = (k: string): string =>
      text(mounted!.container.querySelector(`[data-testid=metric-${k}]`));
    expect([q('visitors'), q('pageviews'), q('bounce_rate'), q('avg_engaged_ms')]).toEqual([
      '120',
      '400',
      '25%',
      '1m 05s',
    ]);
    const deltas = [...mounted.container.querySelectorAll('.delta')].map(
      (d) => `${text(d)} ${d.className}`,
    );
    expect(deltas[0]).toBe('+20% delta up');
    // Bounce rate halved: a drop, shown as good.
    expect(deltas[3]).toBe('-50% delta up');
    await click(mounted.container.querySelectorAll('.metric')[2]!);
    expect(onSelect).toHaveBeenCalledWith('pageviews');
  });
});

describe('live pieces', () => {
  it('counts visitors and lists the newest event first', async () => {
    mounted = await render(
      <>
        <LiveCount count={1} />
        <EventFeed
          events={[
            {
              id: 'b',
              type: 'custom',
              visitor: 'v',
              path: '/',
              name: 'signup',
              country: 'DE',
              city: 'Berlin',
              at: 2,
            },
            {
              id: 'c',
              type: 'custom',
              visitor: 'v',
              path: '/checkout',
              name: 'purchase',
              country: 'DE',
              city: 'Berlin',
              at: 3,
              goals: ['Purchase', 'Any sale'],
              revenue: { amount: 49, currency: 'EUR' },
            },
            {
              id: 'a',
              type: 'pageview',
              visitor: 'v',
              path: '/home',
              name: '',
              country: 'DE',
              city: '',
              at: 1,
            },
          ]}
        />
      </>,
    );
    expect(text(mounted.container.querySelector('.live-count'))).toBe('1visitor now');
    const items = [...mounted.container.querySelectorAll('[data-testid=event-feed] li .what')].map(
      text,
    );
    expect(items).toEqual([
      'custom: signup',
      'custom: purchase · goal: Purchase, Any sale · €49.00',
      '/home',
    ]);
  });

  it('applies report filters to live visitors', () => {
    const rows = ['DE', 'FR', 'DE'].map((country, i) => ({
      visitor_id: `v${i}`,
      latitude: 0,
      longitude: 0,
      country,
      region: '',
      city: '',
      path: i === 2 ? '/a' : '/b',
      device: 'desktop',
      browser: '',
      os: '',
      value_score: 0,
      engaged_ms: 0,
      pageviews: 1,
      last_seen: '2026-01-01T00:00:00Z',
    }));
    const { visitors } = fromSnapshotRows(rows);
    const is = (dimension: 'country' | 'page' | 'utm_source', value: string) => ({
      op: 'is' as const,
      dimension,
      values: [value],
    });
    expect([...filterLive(visitors, [is('country', 'DE')]).keys()]).toEqual(['v0', 'v2']);
    expect([...filterLive(visitors, [is('country', 'DE'), is('page', '/a')]).keys()]).toEqual([
      'v2',
    ]);
    // The other operators: none of the values, or a substring ignoring case.
    const notDe = [{ op: 'is_not' as const, dimension: 'country' as const, values: ['DE'] }];
    expect([...filterLive(visitors, notDe).keys()]).toEqual(['v1']);
    const onB = [{ op: 'contains' as const, dimension: 'page' as const, values: ['B'] }];
    expect([...filterLive(visitors, onB).keys()]).toEqual(['v0', 'v1']);
    // A dimension the live layer does not know leaves the set alone.
    expect(filterLive(visitors, [is('utm_source', 'x')])).toBe(visitors);
  });
});

describe('screens', () => {
  it('explains an expired token and takes a new one', async () => {
    const onSubmit = vi.fn();
    mounted = await render(<TokenScreen reason="expired" onSubmit={onSubmit} />);
    expect(text(mounted.container.querySelector('h1'))).toBe('Your token has expired');
    const area = mounted.container.querySelector('textarea')!;
    // React tracks the value property; set it through the prototype so onChange sees the edit.
    const descriptor = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value')!;
    const { act } = await import('react');
    await act(async () => {
      // eslint-disable-next-line @typescript-eslint/unbound-method -- called with the element as `this`
      Reflect.apply(descriptor.set!, area, [' a.b.c ']);
      area.dispatchEvent(new Event('input', { bubbles: true }));
      await Promise.resolve();
    });
    await click(mounted.container.querySelector('button[type=submit]'));
    expect(onSubmit).toHaveBeenCalledWith('a.b.c');
  });

  it('catches a render error instead of leaving a blank page', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const Boom = (): never => {
      throw new Error('kaputt');
    };
    mounted = await render(
      <ErrorBoundary what="The map" inline>
        <Boom />
      </ErrorBoundary>,
    );
    expect(mounted.container.textContent).toContain('The map ran into an error');
    expect(mounted.container.textContent).toContain('kaputt');
    warn.mockRestore();
    error.mockRestore();
  });
});
