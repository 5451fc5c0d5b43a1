/**
 * The tracker: identity, page views and SPA navigation, engagement and heartbeats, custom
 * events, privacy signals; in the full build (`SIGHTLINE_FULL`) also link clicks, scroll depth,
 * web vitals, revenue, `notFound()`, `optIn()` and the command queue. One closure rather than a
 * module per concern: closure variables minify to one letter, property names do not, and every
 * byte is budgeted. Every listener and entry point runs inside `safe`, so nothing here throws
 * into the page. Events are sent in the schema's compact wire format v2.
 */
import type { EventV2 } from '@sightline/schema';
import { isAutomated, isLocal, isOptedOut, privacySignal, setOptOut } from './consent.js';
import { loadIds, uid } from './ids.js';
import { COMPACT_WIRE_VERSION, LIMITS } from './limits.js';
import { linkCode } from './links.js';
import {
  DEFAULT_FLUSH_MS,
  DEFAULT_HEARTBEAT_MS,
  DEFAULT_IDLE_MS,
  type TrackerOptions,
} from './options.js';
import { cleanProps, type Props } from './props.js';
import { cleanRevenue, type Revenue } from './revenue.js';
import { scrollDepth } from './scroll.js';
import { createTransport } from './transport.js';
import { noop, on, safe } from './util.js';
import { observeVitals, type Vitals } from './vitals.js';

/** What `init()` starts and the script tag exposes as `window.sightline`. */
export interface Api {
  /** A custom event. `revenue` is sent by the full build (the core build leaves it out). */
  track(name: string, props?: Props, revenue?: Revenue): void;
  pageview(): void;
  /** A `404` custom event with the path (full build; a no-op in the core build). */
  notFound(): void;
  optOut(): void;
  /** Undo `optOut()` and count the current page (full build; a no-op in the core build). */
  optIn(): void;
  flush(): void;
  /**
   * @internal The web vitals report of this page load (full build with `vitals: true`), taken
   * once when the page is first hidden.
   */
  v?: (() => Vitals) | undefined;
}

/** The script tag's global called as a function: `sightline('track', 'signup')`. */
type Command = (...args: unknown[]) => void;

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

declare global {
  interface Document {
    /** Speculation Rules: true while the page is prerendered and nobody has seen it yet. */
    prerendering?: boolean;
  }
}

/**
 * Start tracking unless this page must not be tracked (no site id, a privacy signal the site
 * did not opt out of honouring, a local host or an automated browser not allowed). The API's
 * methods are set on `api` (the script tag passes its global function) and work either way.
 * A prerendered page starts only when it is shown (`prerenderingchange`): until then it touches
 * no storage, sends nothing and ignores API calls. `queued`: calls a stub queued before the
 * script loaded (full build), run once the tracker has started.
 */
export function createTracker(o: TrackerOptions, api = {} as Api, queued?: unknown[][]): Api {
  Object.assign(api, {
    track: noop,
    pageview: noop,
    // Cannot throw: setOptOut catches storage errors.
    optOut: () => setOptOut(true),
    flush: noop,
    notFound: SIGHTLINE_FULL
      ? () => api.track('404', { path: location.pathname + location.search })
      : noop,
    optIn: SIGHTLINE_FULL
      ? () => {
          setOptOut(false);
          api.pageview();
        }
      : noop,
  });

  // Flags are booleans from init() or strings from data attributes (a bare attribute is ''):
  // `/^(true|)$/` reads an off-by-default flag (on: true, 'true', ''), `/false/` an
  // on-by-default one (off: false, 'false'). Inline literals: repeated, they cost gzip little.
  const automated = isAutomated();
  if (
    !o.site ||
    (!/false/.test(o.respectDnt as never) && privacySignal()) ||
    (!/^(true|)$/.test(o.allowLocalhost as never) && isLocal()) ||
    (automated && !/^(true|)$/.test(o.allowAutomated as never))
  ) {
    return api;
  }

  /** `shown`: the `prerenderingchange` event, when a prerendered page is shown. */
  const start = (shown?: Event) => {
    const idleMs = +o.idleMs! || DEFAULT_IDLE_MS;
    const [session, visitor, storage] = loadIds(Date.now());
    if (SIGHTLINE_FULL && /^(true|)$/.test(o.vitals as never)) {
      if (SIGHTLINE_SCRIPT) {
        // Only pages that ask for vitals load their code (dist/sightline.vitals.js, next to
        // this script), which sets `api.v`.
        document.head.append(Object.assign(document.createElement('script'), { src: o.vitalsSrc }));
      } else {
        api.v = observeVitals(shown?.timeStamp);
      }
    }
    // The v2 envelope up to its events: everything constant for this page load, said once a batch.
    const [enqueue, send] = createTransport(
      o.endpoint!,
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
    /** Deepest scroll of this page view, percent (full build; the core build sends null). */
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
      if (SIGHTLINE_FULL) scroll = Math.max(scroll, scrollDepth());
      countedTo = now;
    };
    /**
     * Input (or the page shown again): the user is active for the next idleMs. Shown again after
     * its final heartbeat (a tab switch, a bfcache restore), a presence beat (no engaged time
     * yet) puts the visitor back in visitors-now at once rather than a heartbeat later.
     */
    const activity = () => {
      accrue();
      if (!document.hidden) {
        if (!activeUntil && page) emit(1, 0, SIGHTLINE_FULL ? scroll : null, 0);
        activeUntil = countedTo + idleMs;
      }
    };

    // --- events ---
    /** Path and query, and the hash with hash routing, cut to the schema's limit. */
    const currentUrl = () =>
      (
        location.pathname +
        location.search +
        (/^(true|)$/.test(o.hashRouting as never) ? location.hash : '')
      ).slice(0, LIMITS.url);
    /**
     * The counted page view: its key (the URL without the query string: a navigation that
     * changes only the query string, or without hash routing the hash, is the same page view;
     * with hash routing a new hash is a new one), empty until counted; and its URL (until then
     * the page's).
     */
    let page = '';
    let url = currentUrl();
    let referrer = document.referrer.slice(0, LIMITS.referrer);

    const emit = <C extends Code>(code: C, ...fields: Fields<C>) =>
      isOptedOut() || enqueue([code, sequence++, Date.now(), url, referrer, ...fields]);

    /** Engagement since the last beat: always sent when final, else only if the user was active. */
    const beat = (final?: true) => {
      accrue();
      if (page && (final || engagedMs)) {
        emit(
          1,
          Math.min(engagedMs, LIMITS.engagedMs),
          // The core build does not measure scrolling: null says so (0 would read as a depth).
          SIGHTLINE_FULL ? scroll : null,
          Math.min(interactions, LIMITS.interactions),
          final,
        );
      }
      engagedMs = interactions = 0;
    };

    const pageview = safe(() => {
      const next = currentUrl();
      const key = next.replace(/\?[^#]*/, '');
      if (key !== page && !isOptedOut()) {
        if (page) {
          // SPA navigation: close the previous page view, and refer from it as a full load would.
          beat();
          if (SIGHTLINE_FULL) scroll = 0;
          referrer = (location.origin + url).slice(0, LIMITS.referrer);
        }
        url = next;
        page = key;
        emit(0, document.title.slice(0, LIMITS.title));
      }
    });

    /**
     * The page hidden: one final heartbeat, and a flush every time. Closing the tab or
     * navigating away hides the page first (every browser that runs this script fires
     * `visibilitychange` before `pagehide`), so no `pagehide` listener is needed.
     */
    const hide = () => {
      if (activeUntil) {
        beat(true);
        activeUntil = 0;
        if (SIGHTLINE_FULL && api.v) {
          emit(5, ...api.v());
          api.v = undefined; // once per page load
        }
      }
      send();
    };

    // A bfcache restore is the same page view coming back: the page turns visible again (no
    // `pageshow` listener needed), engagement resumes, and no new pageview is counted.
    on('visibilitychange', () => (document.hidden ? hide() : activity()));
    ['pointerdown', 'keydown', 'mousemove', 'scroll'].forEach((type, i) =>
      on(type, () => {
        activity();
        if (i < 2) interactions++; // pointerdown and keydown are the discrete interactions
      }),
    );
    // A hidden page accrues nothing (activeUntil is 0), and an idle one nothing past idleMs, so
    // their beats send nothing. Each beat carries the engaged time since the last one.
    setInterval(safe(beat), +o.heartbeatMs! || DEFAULT_HEARTBEAT_MS);

    if (SIGHTLINE_FULL) {
      const click = (event: MouseEvent) => {
        // click: the main button (0); auxclick: the middle one (1) opens a tab, the right one
        // (2) a menu, which is no visit. An SVG link's href is no URL string: linkCode skips it.
        // A click on no element (dispatched on the document) throws here, inside `safe`.
        const link = event.button < 2 && (event.target as Element).closest('a');
        const code = link && linkCode(link);
        if (code && !/false/.test(o[code > 3 ? 'autoDownloads' : 'autoOutbound'] as never)) {
          emit(code, link.href.slice(0, LIMITS.target));
        }
      };
      on('click', click);
      on('auxclick', click);
    }

    api.track = safe((name: string, props?: Props, revenue?: Revenue) => {
      if (typeof name === 'string' && name) {
        if (SIGHTLINE_FULL) {
          emit(2, name.slice(0, LIMITS.eventName), cleanProps(props), cleanRevenue(revenue));
        } else {
          emit(2, name.slice(0, LIMITS.eventName), cleanProps(props));
        }
      }
    });
    api.pageview = pageview;
    api.flush = safe(send);

    if (!/false/.test(o.autoPageviews as never)) {
      for (const method of ['pushState', 'replaceState'] as const) {
        // eslint-disable-next-line @typescript-eslint/unbound-method -- called with apply(history)
        const original = history[method];
        // The page's own call runs outside `safe`: its errors are the page's to see.
        history[method] = (...args: Parameters<History['pushState']>) => {
          original.apply(history, args);
          pageview();
        };
      }
      // Back/forward, and hash changes: a fragment navigation fires popstate (then hashchange),
      // so hash routing needs no listener of its own.
      on('popstate', pageview);
      pageview();
    }
    // After the first pageview, as they would have come had the script been there first.
    // `api` is then the script tag's global: a command function that is safe to call.
    if (SIGHTLINE_FULL) for (const args of queued ?? []) (api as unknown as Command)(...args);
  };

  // `prerenderingchange` fires once, when the prerendered page is shown.
  if (document.prerendering) on('prerenderingchange', start);
  else start();
  return api;
}
