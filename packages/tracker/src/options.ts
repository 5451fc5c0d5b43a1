/**
 * Tracker options. The script tag reads the same names from data attributes
 * (`data-hash-routing` → `hashRouting`): a flag is on as a bare attribute or "true", off as
 * "false"; numbers are read with `+`. Defaults are applied where each option is used, so a
 * missing or `undefined` option always means the default.
 */
export interface TrackerOptions {
  /** The site's public id (`data-site`). Required. */
  site: string;
  /** Where batches are POSTed. Default `/v1/events` (the script tag: next to the script). */
  endpoint?: string | URL;
  /** Count pageviews on load and on history navigation. Default true. */
  autoPageviews?: boolean;
  /** Treat `#/route` changes as navigations (the hash becomes part of `url`). Default false. */
  hashRouting?: boolean;
  /** Send `outbound` events for clicks on links to other hosts (full build). Default true. */
  autoOutbound?: boolean;
  /** Send `download` events for clicks on file links (full build). Default true. */
  autoDownloads?: boolean;
  /**
   * Send nothing when Global Privacy Control or Do-Not-Track is on. Default true: a site that
   * must count those visitors anyway opts out with `false` (`data-respect-dnt="false"`).
   */
  respectDnt?: boolean;
  /** Track on localhost, 127.0.0.0/8, [::1] and *.localhost. Default false. */
  allowLocalhost?: boolean;
  /** Track automated browsers (navigator.webdriver, headless); batches then say `automated: true`. Default false. */
  allowAutomated?: boolean;
  /**
   * Report Core Web Vitals once per page load, when the page is first hidden (full build; the
   * script tag then loads them as a second file, sightline.vitals.js). Default false.
   */
  vitals?: boolean;
  /** @internal Script tag: where sightline.vitals.js is, next to the script. */
  vitalsSrc?: string;
  /**
   * Heartbeat interval while the page is visible and the user active: how often visitors-now
   * hears of a visitor (the live window, 300 s by default, must exceed it). Engaged time goes
   * with every heartbeat and at once when the page hides. Default 120 000 ms.
   */
  heartbeatMs?: number;
  /** Without input for this long the user counts as idle: no engaged time, no heartbeats. Default 30 000 ms. */
  idleMs?: number;
  /** Events are gathered this long before a batch is sent (hiding the page sends at once). Default 1 000 ms. */
  flushMs?: number;
}

export const DEFAULT_ENDPOINT = '/v1/events';
export const DEFAULT_HEARTBEAT_MS = 120_000;
export const DEFAULT_IDLE_MS = 30_000;
export const DEFAULT_FLUSH_MS = 1_000;
