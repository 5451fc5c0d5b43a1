/**
 * The script-tag builds, full (dist/sightline.js, served by the Worker as /s.js) and core
 * (dist/sightline.core.js, /s.core.js):
 *
 *   <script defer src="https://ingest.example.com/s.js" data-site="my-site"></script>
 *
 * Options come from data attributes named like the `init()` options (`data-hash-routing`,
 * `data-auto-outbound="false"`, `data-heartbeat-ms="10000"`); the endpoint defaults to
 * `/v1/events` on the script's origin. `window.sightline` is a command function that is also
 * the API object: `sightline('track', name, props)` or `sightline.track(name, props)`. A
 * command the build lacks is a no-op. The full build runs calls a stub queued before it
 * loaded once it has started (for a prerendered page: once the page is shown); the core
 * build drops them.
 */
import type { SightlineGlobal } from './global.js';
import { DEFAULT_ENDPOINT, type TrackerOptions } from './options.js';
import { createTracker, type Api } from './tracker.js';
import { safe } from './util.js';

declare global {
  interface Window {
    sightline?: SightlineGlobal;
  }
}

safe(() => {
  // Set while a classic script first runs, however it was added (defer, async, injected).
  const script = document.currentScript as HTMLScriptElement;
  // An unknown command throws inside `safe`: a no-op for the page.
  const sightline = safe((command: keyof Api, ...args: unknown[]) =>
    (sightline[command] as (...a: unknown[]) => void)(...args),
  ) as SightlineGlobal;
  createTracker(
    // The attributes as they are (strings): the tracker reads flags as on/off either way.
    {
      endpoint: new URL(DEFAULT_ENDPOINT, script.src),
      // The vitals file is named like this one: /s.js → /s.vitals.js, sightline.js →
      // sightline.vitals.js (a query string kept).
      ...(SIGHTLINE_FULL && { vitalsSrc: script.src.replace(/\.js(\?|$)/, '.vitals.js$1') }),
      ...script.dataset,
    } as TrackerOptions,
    sightline,
    // The stub queues `arguments` objects: iterable, so they destructure.
    SIGHTLINE_FULL ? (window.sightline?.q as unknown[][]) : undefined,
  );
  window.sightline = sightline;
})();
