/**
 * Core Web Vitals, reported once per page load. Deliberately simpler than the web-vitals
 * library: CLS is the sum of shifts without recent input (not session windows) and INP the
 * slowest interaction (not the 98th percentile); they differ only on pages with many shifts or
 * interactions. FCP and TTFB are read from the performance timeline when the report is made.
 */
import type { VitalsEvent } from '@sightline/schema';
import { MAX_CLS, MAX_VITAL_MS } from './limits.js';

export type Vitals = Pick<VitalsEvent, 'lcp' | 'inp' | 'cls' | 'ttfb' | 'fcp'>;

interface Entry extends PerformanceEntry {
  value: number;
  hadRecentInput?: boolean;
  interactionId?: number;
  responseStart: number;
}

/** Within the schema's bounds; undefined stays undefined (and is left out of the JSON). */
const clamp = (value: number | undefined, max = MAX_VITAL_MS) => value && Math.min(value, max);

/** Start observing; call the returned function for the report. */
export function observeVitals(): () => Vitals {
  let lcp: number | undefined;
  let inp: number | undefined;
  let cls = 0;
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries() as Entry[]) {
      if (e.interactionId) inp = Math.max(inp ?? 0, e.duration);
      else if (e.entryType === 'layout-shift' && !e.hadRecentInput) cls += e.value;
      else if (e.entryType === 'largest-contentful-paint') lcp = e.startTime;
    }
  });
  for (const type of ['largest-contentful-paint', 'layout-shift', 'event']) {
    try {
      // durationThreshold (for 'event'): the smallest allowed, so short interactions count.
      observer.observe({ type, buffered: true, durationThreshold: 16 } as PerformanceObserverInit);
    } catch {
      // entry type unsupported in this browser: that metric stays absent.
    }
  }
  return () => ({
    lcp: clamp(lcp),
    inp: clamp(inp),
    cls: clamp(cls, MAX_CLS),
    ttfb: clamp(
      (performance.getEntriesByType('navigation')[0] as Entry | undefined)?.responseStart,
    ),
    fcp: clamp(performance.getEntriesByName('first-contentful-paint')[0]?.startTime),
  });
}
