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
import { DEFAULT_ENDPOINT, optionsFromDataset } from './options.js';
import type { SightlineGlobal } from './global.js';
import { createTracker, safe, type Api } from './tracker.js';

declare global {
  interface Window {
    sightline?: SightlineGlobal;
  }
}

safe(() => {
  // Set while a classic script first runs, however it was added (defer, async, injected).
  const script = document.currentScript as HTMLScriptElement;
  const api = createTracker({
    endpoint: new URL(DEFAULT_ENDPOINT, script.src),
    ...optionsFromDataset(script.dataset),
  });
  const queued = window.sightline?.q ?? [];
  const sightline = safe((command: keyof Api, ...args: unknown[]) =>
    (api[command] as (...a: unknown[]) => void)(...args),
  );
  window.sightline = Object.assign(sightline, api);
  // The stub queues `arguments` objects: iterable, so they spread.
  for (const args of queued) sightline(...(args as [keyof Api]));
})();
