/**
 * The tracker: identity, pageviews and SPA navigation, engagement and heartbeats, link clicks,
 * vitals. One closure rather than a module per concern because the script tag's byte budget
 * (issue 7) leaves no room for object APIs between modules: closure variables minify to one
 * letter, property names do not. Every listener and entry point runs inside `safe`, so nothing
 * here throws into the page. Events are sent in the schema's compact wire format v2.
 */
import type { EventV2 } from '@sightline/schema';
import { isAutomated, isLocal, isOptedOut, privacySignal, setOptOut } from './consent.js';
import { loadIds, uid } from './ids.js';
import { COMPACT_WIRE_VERSION, LIMITS } from './limits.js';
import { linkCode } from './links.js';
import {
  DEFAULT_ENDPOINT,
  DEFAULT_FLUSH_MS,
  DEFAULT_HEARTBEAT_MS,
  DEFAULT_IDLE_MS,
  type TrackerOptions,
} from './options.js';
import { cleanProps, type Props } from './props.js';
import { scrollDepth } from './scroll.js';
import { createTransport } from './transport.js';
import { observeVitals } from './vitals.js';

/** What `init()` starts and the script tag exposes as `window.sightline`. */
export interface Api {
  track(name: string, props?: Props): void;
  pageview(): void;
  notFound(): void;
  optOut(): void;
  optIn(): void;
  flush(): void;
}

/** A v2 event's type code. */
type Code = EventV2[0];
/** The positions after `[type, sequence, ts, url, referrer]` of the v2 event with code C. */
type Fields<C extends Code> =
  Extract<EventV2, readonly [C, ...unknown[]]> extends readonly [
    C,
    number,
    number,
    string,
    (string | null)?,
    ...infer R,
  ]
    ? R
    : never;

/** Run `fn`, swallowing anything it throws: analytics must never break the page it measures. */
export const safe =
  <A extends unknown[]>(fn: (...args: A) => unknown) =>
  (...args: A): void => {
    try {
      fn(...args);
    } catch {
      // deliberately silent
    }
  };

/**
 * Listen on the window in the capture phase: it sees the document's events too (clicks,
 * `visibilitychange`) before any page handler can stop them.
 */
const on = (type: string, listener: (event: never) => unknown) =>
  addEventListener(type, safe(listener) as EventListener, true);

const noop = () => {};

/**
 * Start tracking unless this page must not be tracked (no site id, a privacy signal the site
 * honours, a local host or an automated browser not allowed); the API works either way.
 */
export function createTracker(o: TrackerOptions): Api {
  const api: Api = {
    track: noop,
    pageview: noop,
    notFound: () => api.track('404', { path: location.pathname + location.search }),
    // Neither can throw: setOptOut catches storage errors, api.pageview is wrapped.
    optOut: () => setOptOut(true),
    optIn: () => {
      setOptOut(false);
      api.pageview();
    },
    flush: noop,
  };

  const automated = isAutomated();
  if (
    !o.site ||
    (o.respectDnt && privacySignal()) ||
    (!o.allowLocalhost && isLocal()) ||
    (automated && !o.allowAutomated)
  ) {
    return api;
  }
  const idleMs = +o.idleMs! || DEFAULT_IDLE_MS;
  const [session, visitor, storage] = loadIds(Date.now());
  let vitals = o.vitals && observeVitals();
  // The v2 envelope up to its events: everything constant for this page load, said once a batch.
  const [enqueue, send] = createTransport(
    o.endpoint ?? DEFAULT_ENDPOINT,
    JSON.stringify({
      v: COMPACT_WIRE_VERSION,
      s: o.site,
      i: session,
      u: visitor,
      k: storage,
      p: uid(),
      w: [screen.width, screen.height],
      // No `l` (language): the Worker reads it from the beacon's Accept-Language header. No `z`
      // (time zone): nothing downstream uses it, so it is not collected.
      a: automated,
    }).slice(0, -1) + ',"e":[',
    +o.flushMs! || DEFAULT_FLUSH_MS,
  );
  /** Per-page-load event sequence: with the envelope's page-load id, each event's unique id. */
  let sequence = 0;

  // --- engagement of the current page view ---
  let engagedMs = 0;
  let interactions = 0;
  let scroll = 0;
  let countedTo = Date.now();
  /**
   * Input keeps the user active for idleMs. 0 once the page is hidden and its final heartbeat
   * sent (until it is shown again): nothing accrues, and a second hide sends nothing.
   */
  let activeUntil = countedTo + idleMs;

  /** Add the active part of [countedTo, now] to the engaged time; measure the scroll depth. */
  const accrue = () => {
    const now = Date.now();
    if (activeUntil > countedTo) engagedMs += Math.min(now, activeUntil) - countedTo;
    scroll = Math.max(scroll, scrollDepth());
    countedTo = now;
  };
  /** Input (or the page shown again): the user is active for the next idleMs. */
  const activity = () => {
    accrue();
    if (!document.hidden) activeUntil = countedTo + idleMs;
  };

  // --- events ---
  /** The page view's url; empty until its pageview has been sent. */
  let url = '';
  let referrer = document.referrer.slice(0, LIMITS.referrer);

  const currentUrl = () =>
    (location.pathname + location.search + (o.hashRouting ? location.hash : '')).slice(
      0,
      LIMITS.url,
    );

  const emit = <C extends Code>(code: C, ...fields: Fields<C>) =>
    isOptedOut() ||
    enqueue([code, sequence++, Date.now(), url || currentUrl(), referrer, ...fields]);

  /** Engagement since the last beat: always sent when final, else only if the user was active. */
  const beat = (final?: true) => {
    accrue();
    if (url && (final || engagedMs)) {
      emit(
        1,
        Math.min(engagedMs, LIMITS.engagedMs),
        scroll,
        Math.min(interactions, LIMITS.interactions),
        final,
      );
    }
    engagedMs = interactions = 0;
  };

  const pageview = safe(() => {
    const next = currentUrl();
    if (next !== url && !isOptedOut()) {
      if (url) {
        // SPA navigation: close the previous page view, and refer from it as a full load would.
        beat();
        scroll = 0;
        referrer = (location.origin + url).slice(0, LIMITS.referrer);
      }
      url = next;
      emit(0, document.title.slice(0, LIMITS.title));
    }
  });

  /** `visibilitychange` to hidden, then usually `pagehide`: one final heartbeat, every time a flush. */
  const hide = () => {
    if (activeUntil) {
      beat(true);
      activeUntil = 0;
      if (vitals) emit(5, ...vitals());
      vitals = false; // once per page load
    }
    send();
  };

  // A bfcache restore is the same page view coming back: the page turns visible again (no
  // `pageshow` listener needed), engagement resumes, and no new pageview is counted.
  on('visibilitychange', () => (document.hidden ? hide() : activity()));
  on('pagehide', hide);
  ['pointerdown', 'keydown', 'mousemove', 'scroll'].forEach((type, i) =>
    on(type, () => {
      activity();
      if (i < 2) interactions++; // pointerdown and keydown are the discrete interactions
    }),
  );
  setInterval(
    safe(() => document.hidden || beat()),
    +o.heartbeatMs! || DEFAULT_HEARTBEAT_MS,
  );

  const click = (event: MouseEvent) => {
    // click: the main button (0); auxclick: the middle one (1) opens a tab, the right one (2)
    // a menu, which is no visit. An SVG link's href is no URL string: linkCode skips it.
    const link = event.button < 2 && (event.target as Element).closest?.('a');
    const code = link && linkCode(link);
    if (code && o[code > 3 ? 'autoDownloads' : 'autoOutbound'] !== false) {
      emit(code, link.href.slice(0, LIMITS.target));
    }
  };
  on('click', click);
  on('auxclick', click);

  api.track = safe((name: string, props?: Props) => {
    if (typeof name === 'string' && name) {
      emit(2, name.slice(0, LIMITS.eventName), cleanProps(props));
    }
  });
  api.pageview = pageview;
  api.flush = safe(send);

  if (o.autoPageviews !== false) {
    for (const method of ['pushState', 'replaceState'] as const) {
      // eslint-disable-next-line @typescript-eslint/unbound-method -- called with apply(history)
      const original = history[method];
      // The page's own call runs outside `safe`: its errors are the page's to see.
      history[method] = (...args: Parameters<History['pushState']>) => {
        original.apply(history, args);
        pageview();
      };
    }
    // Back/forward, and hash changes: a fragment navigation fires popstate (then hashchange), so
    // hash routing needs no listener of its own.
    on('popstate', pageview);
    pageview();
  }
  return api;
}
