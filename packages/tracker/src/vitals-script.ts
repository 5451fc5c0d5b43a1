/**
 * dist/sightline.vitals.js (served by the Worker as /s.vitals.js): web vitals for the full
 * script-tag build, which loads this file, next to itself, once it has started on a page with
 * `data-vitals`. It hands the tracker the report through the global (`sightline.v`); pages
 * without `data-vitals` never load it.
 */
import type { SightlineGlobal } from './global.js';
import { safe } from './util.js';
import { observeVitals } from './vitals.js';

declare global {
  interface Window {
    sightline?: SightlineGlobal;
  }
}

safe(() => {
  // Loaded after the page was shown: a prerendered page's times count from its activation.
  const [nav] = performance.getEntriesByType('navigation') as (PerformanceEntry & {
    activationStart?: number;
  })[];
  window.sightline!.v = observeVitals(nav?.activationStart);
})();
