/**
 * How reports that include today follow the live data without re-querying on every push: a
 * throttle with a trailing call. A push (`trigger`) schedules one refresh `settleMs` later (the
 * SiteLive Durable Object stores what it broadcast about a second after it broadcast it, so an
 * immediate re-query would read the figures from before), and never sooner than `intervalMs`
 * after the previous refresh; pushes while one is scheduled join it. A push that came less than
 * `settleMs` before a refresh ran may not be stored yet: one more refresh follows, `intervalMs`
 * later, so the last push is always reflected.
 */
export interface RefreshThrottle {
  trigger(): void;
  cancel(): void;
}

export interface RefreshOptions {
  /** Least time between two refreshes (the dashboard: 10 s). */
  intervalMs: number;
  /** Least time between a push and the refresh that reflects it. */
  settleMs: number;
}

export const LIVE_REFRESH: RefreshOptions = { intervalMs: 10_000, settleMs: 2_500 };

export function refreshThrottle(
  run: () => void,
  { intervalMs, settleMs }: RefreshOptions = LIVE_REFRESH,
): RefreshThrottle {
  let lastRun = -Infinity;
  let lastTrigger = -Infinity;
  let timer: ReturnType<typeof setTimeout> | null = null;

  const schedule = (at: number): void => {
    timer = setTimeout(fire, Math.max(0, at - Date.now()));
  };
  function fire(): void {
    timer = null;
    lastRun = Date.now();
    run();
    if (lastTrigger > lastRun - settleMs) schedule(lastRun + intervalMs);
  }

  return {
    trigger() {
      lastTrigger = Date.now();
      if (timer === null) schedule(Math.max(lastTrigger + settleMs, lastRun + intervalMs));
    },
    cancel() {
      if (timer !== null) clearTimeout(timer);
      timer = null;
    },
  };
}
