/**
 * @sightline/tracker for bundlers, built twice from this file: `@sightline/tracker` (the core
 * build) and `@sightline/tracker/full` (the full build: also link clicks, scroll depth, web
 * vitals, revenue, `notFound()` and `optIn()`, which are no-ops in the core build). `init()`
 * once, then `track()` custom events; page views, SPA navigation and engagement are automatic.
 * Every function is a no-op before `init()` (except `optOut`/`optIn`), outside a browser, and
 * when the page must not be tracked; none throws.
 */
import { setOptOut } from './consent.js';
import type { SightlineGlobal } from './global.js';
import { DEFAULT_ENDPOINT, type TrackerOptions } from './options.js';
import type { Props, PropValue } from './props.js';
import type { Revenue } from './revenue.js';
import { createTracker, type Api } from './tracker.js';
import { safe } from './util.js';

export type { TrackerOptions, Props, PropValue, SightlineGlobal, Api, Revenue };

let api: Api | undefined;

/**
 * Start tracking this page. A second call is ignored.
 *
 * @example
 * import { init } from '@sightline/tracker'; // or '@sightline/tracker/full'
 * init({ site: 'my-site', endpoint: 'https://ingest.example.com/v1/events' });
 */
export const init = /* @__PURE__ */ safe((options: TrackerOptions) => {
  if (typeof window !== 'undefined') {
    api ??= createTracker({ ...options, endpoint: options.endpoint ?? DEFAULT_ENDPOINT });
  }
});

/**
 * Send a custom event. Props: at most 20, values string, finite number, boolean or null
 * (objects are dropped, strings cut to 256 characters). `revenue` is sent by the full build
 * (the core build sends the event without it).
 *
 * @example
 * track('signup', { plan: 'pro', seats: 3 });
 * track('purchase', { plan: 'pro' }, { amount: 29.9, currency: 'EUR' });
 */
export const track = (name: string, props?: Props, revenue?: Revenue): void =>
  api?.track(name, props, revenue);

/**
 * Count a pageview of the current URL unless its page view is the one already counted (same
 * path; with hash routing, same path and hash). Needed only with `autoPageviews: false` or for
 * navigations the History API does not see.
 *
 * @example
 * router.afterEach(() => pageview());
 */
export const pageview = (): void => api?.pageview();

/**
 * Report this page as a "not found" page: a custom event `404` with the path as its `path` prop
 * (full build; a no-op in the core build).
 *
 * @example
 * if (response.status === 404) notFound();
 */
export const notFound = (): void => api?.notFound();

/**
 * Stop tracking in this browser (persisted in localStorage as `sightline:ignore`).
 *
 * @example
 * optOut();
 */
export const optOut = /* @__PURE__ */ safe(() => setOptOut(true));

/**
 * Undo `optOut()` and count the current page (full build; a no-op in the core build).
 *
 * @example
 * optIn();
 */
export const optIn = /* @__PURE__ */ safe(() => {
  if (SIGHTLINE_FULL) {
    setOptOut(false);
    api?.pageview();
  }
});

/**
 * Send queued events now. They go out by themselves after `flushMs` and when the page hides.
 *
 * @example
 * flush();
 */
export const flush = (): void => api?.flush();
