// The dashboard's use of the refresh throttle: a push with newer events moves the reports'
// refresh counter (once, 2.5 s later); the first value seen does not; and a range that does not
// include now never moves it, whatever is pushed.
import { act, useState } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useLiveRefresh } from '../../src/hooks/useLiveRefresh.js';
import { render, text, type Rendered } from './render.js';

interface Props {
  at: number | null;
  live: boolean;
}

let mounted: Rendered | undefined;
let setProps: (p: Props) => void = () => {};

/** Holds the hook's inputs in state, so a test changes them in place as the live view would. */
function Host() {
  const [p, set] = useState<Props>({ at: 5, live: true });
  setProps = set;
  return <output>{useLiveRefresh(p.at, p.live)}</output>;
}

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
});
afterEach(() => {
  mounted?.unmount();
  mounted = undefined;
  vi.useRealTimers();
});

const wait = (ms: number) =>
  act(() => {
    vi.advanceTimersByTime(ms);
  });

describe('live refresh', () => {
  it('moves once per push of newer events, never for the first value, never for a past range', async () => {
    mounted = await render(<Host />);
    const count = () => Number(text(mounted!.container.querySelector('output')));
    wait(60_000);
    expect(count()).toBe(0);

    act(() => setProps({ at: 6, live: true }));
    wait(2_499);
    expect(count()).toBe(0);
    wait(1);
    expect(count()).toBe(1);

    // A range that ended: pushes change nothing.
    act(() => setProps({ at: 6, live: false }));
    act(() => setProps({ at: 7, live: false }));
    wait(60_000);
    expect(count()).toBe(1);
  });
});
