/**
 * The script-tag build (dist/sightline.js, served by the Worker as /s.js):
 *
 *   <script defer src="https://ingest.example.com/s.js" data-site="my-site"></script>
 *
 * Options come from data attributes named like the `init()` options (`data-hash-routing`,
 * `data-auto-outbound="false"`, `data-heartbeat-ms="10000"`); the endpoint defaults to
 * `/v1/events` on the script's origin. `sightline('track', name, props)` or
 * `sightline.track(name, props)` is the API; calls queued by a stub before the script loaded
 * run once it has.
 */
import { optionsFromDataset } from './options.js';
import type { SightlineGlobal } from './global.js';
import { createTracker, safe, type Api } from './tracker.js';

declare global {
  interface Window {
    sightline?: SightlineGlobal;
  }
}

safe(() => {
  const script = (document.currentScript ??
    document.querySelector('script[data-site]')) as HTMLScriptElement;
  const api = createTracker({
    endpoint: new URL('/v1/events', script.src || location.href).href,
    ...optionsFromDataset(script.dataset),
  });
  const queued = window.sightline?.q ?? [];
  const sightline = safe((command: keyof Api, ...args: unknown[]) =>
    (api[command] as (...a: unknown[]) => void)(...args),
  );
  window.sightline = Object.assign(sightline, api);
  for (const args of queued) sightline(...(Array.from(args) as [keyof Api]));
})();
