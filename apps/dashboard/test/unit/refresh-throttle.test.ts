// The throttle that lets reports follow the live pushes: at most one refresh per interval, a
// trailing one after a burst, never a refresh without a push, and one more when a push came
// too shortly before a refresh to be stored yet.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { refreshThrottle } from '../../src/lib/refresh-throttle.js';

const OPTIONS = { intervalMs: 10_000, settleMs: 2_500 };

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('refresh throttle', () => {
  it('refreshes once, settleMs after a push, and never without one', () => {
    const run = vi.fn();
    const t = refreshThrottle(run, OPTIONS);
    vi.advanceTimersByTime(60_000);
    expect(run).not.toHaveBeenCalled();
    t.trigger();
    vi.advanceTimersByTime(2_499);
    expect(run).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(run).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(60_000);
    expect(run).toHaveBeenCalledTimes(1);
  });

  it('turns a steady stream of pushes into one refresh per interval, the last one trailing', () => {
    const run = vi.fn();
    const t = refreshThrottle(run, OPTIONS);
    const times: number[] = [];
    run.mockImplementation(() => times.push(Date.now()));
    // A push every 300 ms for a minute.
    for (let i = 0; i < 200; i++) {
      t.trigger();
      vi.advanceTimersByTime(300);
    }
    const lastPush = Date.now() - 300;
    vi.advanceTimersByTime(60_000);
    const gaps = times.slice(1).map((at, i) => at - times[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(10_000);
    // Six refreshes in the minute of pushes, and a trailing one that saw the last push settle.
    expect(times.length).toBeLessThanOrEqual(8);
    expect(times.at(-1)!).toBeGreaterThanOrEqual(lastPush + 2_500);
  });

  it('follows a push that came just before a refresh with one more', () => {
    const run = vi.fn();
    const t = refreshThrottle(run, OPTIONS);
    t.trigger();
    vi.advanceTimersByTime(2_400);
    t.trigger(); // joins the refresh due in 100 ms, but may not be stored by then
    vi.advanceTimersByTime(100);
    expect(run).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(9_999);
    expect(run).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1);
    expect(run).toHaveBeenCalledTimes(2);
    vi.advanceTimersByTime(60_000);
    expect(run).toHaveBeenCalledTimes(2);
  });

  it('a push soon after a refresh waits for the interval; cancel drops what is scheduled', () => {
    const run = vi.fn();
    const t = refreshThrottle(run, OPTIONS);
    t.trigger();
    vi.advanceTimersByTime(2_500);
    expect(run).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(3_000);
    t.trigger();
    vi.advanceTimersByTime(6_999);
    expect(run).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1);
    expect(run).toHaveBeenCalledTimes(2);
    t.trigger();
    t.cancel();
    vi.advanceTimersByTime(60_000);
    expect(run).toHaveBeenCalledTimes(2);
  });
});
