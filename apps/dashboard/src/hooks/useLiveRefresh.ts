/**
 * A counter that moves when the reports should be read again because live data arrived: each
 * push that brings newer events (the live state's `lastEventAt` moves) triggers the refresh throttle (lib/refresh-throttle.ts: at most one
 * refresh per 10 s, the last push always followed). Only while the range includes now: a range
 * that ended never changes, so it never re-queries. The reports put the counter in their query
 * keys.
 */
import { useEffect, useRef, useState } from 'react';
import { refreshThrottle, type RefreshThrottle } from '../lib/refresh-throttle.js';

export function useLiveRefresh(lastEventAt: number | null, includesNow: boolean): number {
  const [tick, setTick] = useState(0);
  const throttle = useRef<RefreshThrottle | null>(null);
  // The value the reports were first read with; any later one is newer data (the live view's
  // first paint may cost one refresh more, at most one per interval all the same).
  const seen = useRef(lastEventAt);

  useEffect(() => {
    if (!includesNow) return;
    const t = refreshThrottle(() => setTick((n) => n + 1));
    throttle.current = t;
    return () => {
      t.cancel();
      throttle.current = null;
    };
  }, [includesNow]);

  useEffect(() => {
    if (lastEventAt !== null && lastEventAt !== seen.current) throttle.current?.trigger();
    seen.current = lastEventAt;
  }, [lastEventAt]);

  return tick;
}
