/**
 * Core Web Vitals, reported once per page load. Deliberately simpler than the web-vitals
 * library: CLS is the sum of shifts without recent input (not session windows) and INP the
 * slowest interaction (not the 98th percentile); they differ only on pages with many shifts or
 * interactions. Every metric comes from a buffered PerformanceObserver, so entries from before
 * the tracker loaded count too.
 */
import type { VitalsEvent } from '@sightline/schema';
import { MAX_CLS, MAX_VITAL_MS } from './limits.js';

/** `[lcp, inp, cls, ttfb, fcp]`: the positions of a v2 vitals event. */
export type Vitals = [
  VitalsEvent['lcp'],
  VitalsEvent['inp'],
  VitalsEvent['cls'],
  VitalsEvent['ttfb'],
  VitalsEvent['fcp'],
];

interface Entry extends PerformanceEntry {
  value: number;
  hadRecentInput?: boolean;
  interactionId?: number;
  responseStart: number;
}

/** One observer per entry type, each with its own handler; unsupported types are skipped. */
const observe = (type: string, handle: (entry: Entry) => unknown) => {
  try {
    new PerformanceObserver((list) => list.getEntries().forEach(handle as never)).observe({
      type,
      buffered: true,
      // For 'event': the smallest threshold allowed, so short interactions count too.
      durationThreshold: 16,
    } as PerformanceObserverInit);
  } catch {
    // entry type unsupported in this browser: that metric stays absent.
  }
};

/**
 * Start observing; call the returned function for the report. `shown`: when a prerendered page
 * was shown (ms since its time origin); its times count from then, as the web-vitals library
 * does (which reads the same moment as the navigation entry's `activationStart`).
 */
export function observeVitals(shown = 0): () => Vitals {
  // [lcp, inp, cls, ttfb, fcp]; a metric never seen stays a hole (null in the JSON: left out).
  // eslint-disable-next-line no-sparse-arrays -- holes, not undefined: `map` below skips them
  const metrics: (number | undefined)[] = [, , 0];
  /** A time since the page was shown (never negative). */
  const since = (time: number) => Math.max(time - shown, 0);
  observe('largest-contentful-paint', (e) => (metrics[0] = since(e.startTime)));
  // The slowest interaction: `inp > d` is false while inp is still undefined.
  observe(
    'event',
    (e) => e.interactionId && (metrics[1]! > e.duration || (metrics[1] = e.duration)),
  );
  observe('layout-shift', (e) => e.hadRecentInput || (metrics[2]! += e.value));
  observe('navigation', (e) => (metrics[3] = since(e.responseStart)));
  // first-paint, then first-contentful-paint: the last paint entry is FCP.
  observe('paint', (e) => (metrics[4] = since(e.startTime)));
  // Within the schema's bounds (ms; CLS is unitless). `map` keeps the holes.
  return () =>
    metrics.map((value, i) => Math.min(value!, i === 2 ? MAX_CLS : MAX_VITAL_MS)) as Vitals;
}
