/**
 * When the tracker stays silent: the visitor's own opt-out flag, Global Privacy Control /
 * Do-Not-Track (honoured unless the site opts out), local development hosts and automated
 * browsers.
 */

/** `localStorage['sightline:ignore'] = '1'` silences the tracker for this browser and origin. */
export const OPT_OUT_KEY = 'sightline:ignore';

/** Fallback when storage is blocked: the opt-out then lasts as long as the page. */
let optedOut = false;

export const isOptedOut = (): boolean => {
  try {
    // Bracket access: the same Storage API as getItem, fewer bytes shipped. `== 1`: the stored
    // string '1' (what setOptOut writes, and what the docs tell people to set).
    return optedOut || localStorage[OPT_OUT_KEY] == 1;
  } catch {
    return optedOut;
  }
};

export const setOptOut = (out: boolean): void => {
  optedOut = out;
  try {
    if (out)
      localStorage[OPT_OUT_KEY] = 1; // stored as '1'
    else delete localStorage[OPT_OUT_KEY];
  } catch {
    // storage blocked: the in-memory flag still applies to this page.
  }
};

/** Do-Not-Track ('1') or Global Privacy Control (true). */
export const privacySignal = (): boolean =>
  navigator.doNotTrack === '1' ||
  !!(navigator as Navigator & { globalPrivacyControl?: boolean }).globalPrivacyControl;

/** localhost, *.localhost, 127.0.0.0/8, [::1] and pages without a host (file:). */
export const isLocal = (): boolean =>
  /^(127(\.\d+){3}|\[::1\]|)$|(^|\.)localhost$/.test(location.hostname);

/** WebDriver-controlled (Selenium, Playwright, Puppeteer) or headless browsers. */
export const isAutomated = (): boolean =>
  navigator.webdriver || /headless/i.test(navigator.userAgent);
