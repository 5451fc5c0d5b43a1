/**
 * @sightline/tracker for bundlers: `init()` once, then `track()` custom events. Pageviews, SPA
 * navigation, engagement, outbound links and downloads are automatic. Every function is a
 * no-op before `init()` (except `optOut`/`optIn`), outside a browser, and when the page must
 * not be tracked; none throws.
 */
import { setOptOut } from './consent.js';
import type { SightlineGlobal } from './global.js';
import type { TrackerOptions } from './options.js';
import type { Props, PropValue } from './props.js';
import { createTracker, safe, type Api } from './tracker.js';

export type { TrackerOptions, Props, PropValue, SightlineGlobal, Api };

let api: Api | undefined;

/**
 * Start tracking this page. A second call is ignored.
 *
 * @example
 * import { init } from '@sightline/tracker';
 * init({ site: 'my-site', endpoint: 'https://ingest.example.com/v1/events' });
 */
export const init = safe((options: TrackerOptions) => {
  if (typeof window !== 'undefined') api ??= createTracker(options);
});

/**
 * Send a custom event. Props: at most 20, values string, finite number, boolean or null
 * (objects are dropped, strings cut to 256 characters).
 *
 * @example
 * track('signup', { plan: 'pro', seats: 3 });
 */
export const track = (name: string, props?: Props): void => api?.track(name, props);

/**
 * Count a pageview of the current URL unless it was just counted. Needed only with
 * `autoPageviews: false` or for navigations the History API does not see.
 *
 * @example
 * router.afterEach(() => pageview());
 */
export const pageview = (): void => api?.pageview();

/**
 * Report this page as a "not found" page: a custom event `404` with the path as its `path` prop.
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
export const optOut = safe(() => setOptOut(true));

/**
 * Undo `optOut()` and count the current page.
 *
 * @example
 * optIn();
 */
export const optIn = safe(() => {
  setOptOut(false);
  api?.pageview();
});

/**
 * Send queued events now. They go out by themselves after `flushMs` and when the page hides.
 *
 * @example
 * flush();
 */
export const flush = (): void => api?.flush();
