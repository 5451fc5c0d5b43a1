/**
 * The tracker: identity, pageviews and SPA navigation, engagement and heartbeats, link clicks,
 * vitals. One closure rather than a module per concern because the script tag's byte budget
 * (issue 7) leaves no room for object APIs between modules: closure variables minify to one
 * letter, property names do not. Every listener and entry point runs inside `safe`, so nothing
 * here throws into the page.
 */
import type { Event } from '@sightline/schema';
import { isAutomated, isLocal, isOptedOut, privacySignal, setOptOut } from './consent.js';
import { loadIds, uid } from './ids.js';
import { LIMITS } from './limits.js';
import { classifyLink } from './links.js';
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

/** The fields of one event kind that `emit` does not fill in. */
type Fields<T> = T extends unknown ? Omit<T, keyof Event> & Partial<T> : never;

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

const on = (target: EventTarget, type: string, listener: (event: never) => unknown) =>
  target.addEventListener(type, safe(listener) as EventListener, true);

/**
 * Start tracking unless this page must not be tracked (no site id, a privacy signal the site
 * honours, a local host or an automated browser not allowed); the API works either way.
 */
export function createTracker(o: TrackerOptions): Api {
  let pageview = () => {};
  let track = (_name: string, _props?: Props) => {};
  let flush = () => {};
  const api: Api = {
    track: safe((name: string, props?: Props) => track(name, props)),
    pageview: safe(() => pageview()),
    notFound: () => api.track('404', { path: location.pathname + location.search }),
    optOut: safe(() => setOptOut(true)),
    optIn: safe(() => {
      setOptOut(false);
      pageview();
    }),
    flush: safe(() => flush()),
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
  const { session, visitor, storage } = loadIds(Date.now());
  const screenSize: [number, number] = [screen.width, screen.height];
  const language = navigator.language.slice(0, LIMITS.language);
  const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone.slice(0, LIMITS.timeZone);
  let vitals = o.vitals && observeVitals();
  const [enqueue, send] = createTransport(
    o.endpoint ?? DEFAULT_ENDPOINT,
    o.site,
    automated,
    +o.flushMs! || DEFAULT_FLUSH_MS,
  );
  flush = send;

  // --- engagement of the current page view ---
  let engagedMs = 0;
  let interactions = 0;
  let scroll = 0;
  let countedTo = Date.now();
  /** Input keeps the user active for idleMs; hiding the page ends it at once. */
  let activeUntil = countedTo + idleMs;
  /** The page is hidden and its final heartbeat sent. */
  let hidden = false;

  /** Add the active part of [countedTo, now] to the engaged time. */
  const accrue = () => {
    const now = Date.now();
    engagedMs += Math.max(0, Math.min(now, activeUntil) - countedTo);
    return (countedTo = now);
  };
  const measureScroll = () => (scroll = Math.max(scroll, scrollDepth()));
  const activity = () => {
    if (!hidden && !document.hidden) activeUntil = accrue() + idleMs;
    measureScroll();
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

  const emit = <T extends Event>(type: T['type'], fields: Fields<T>) =>
    isOptedOut() ||
    enqueue({
      type,
      id: uid(),
      ts: Date.now(),
      session,
      visitor,
      url: url || currentUrl(),
      referrer,
      screen: screenSize,
      language,
      timeZone,
      storage,
      ...fields,
    } as Event);

  /** Engagement since the last beat: always sent when final, else only if the user was active. */
  const beat = (final?: boolean) => {
    accrue();
    measureScroll();
    if (url && (final || engagedMs)) {
      emit('heartbeat', {
        engagedMs: Math.min(engagedMs, LIMITS.engagedMs),
        scroll,
        interactions: Math.min(interactions, LIMITS.interactions),
        final,
      });
    }
    engagedMs = interactions = 0;
  };

  pageview = () => {
    const next = currentUrl();
    if (next === url || isOptedOut()) return;
    if (url) {
      // SPA navigation: close the previous page view, and refer from it as a full load would.
      beat();
      scroll = 0;
      referrer = (location.origin + url).slice(0, LIMITS.referrer);
    }
    url = next;
    emit('pageview', { title: document.title.slice(0, LIMITS.title) });
  };

  track = (name, props) => {
    if (typeof name === 'string' && name) {
      emit('custom', { name: name.slice(0, LIMITS.eventName), props: cleanProps(props) });
    }
  };

  const hide = () => {
    if (!hidden) {
      hidden = true;
      activeUntil = accrue();
      beat(true);
      if (vitals) emit('vitals', vitals());
      vitals = false; // once per page load
    }
    send();
  };
  const show = () => {
    hidden = false;
    activity();
  };

  on(document, 'visibilitychange', () => (document.hidden ? hide() : show()));
  on(window, 'pagehide', hide);
  // A bfcache restore is the same page view coming back: resume it, count no new pageview.
  on(window, 'pageshow', (event: PageTransitionEvent) => event.persisted && show());
  ['pointerdown', 'keydown', 'mousemove', 'scroll'].forEach((type, i) =>
    on(window, type, () => {
      activity();
      if (i < 2) interactions++; // pointerdown and keydown are the discrete interactions
    }),
  );
  setInterval(
    safe(() => hidden || document.hidden || beat()),
    +o.heartbeatMs! || DEFAULT_HEARTBEAT_MS,
  );

  const click = (event: MouseEvent) => {
    // auxclick: the middle button only (it opens a tab); the right one opens a menu.
    const hit = (event.type[0] === 'c' || event.button === 1) && classifyLink(event.target);
    if (hit && o[hit[0] === 'download' ? 'autoDownloads' : 'autoOutbound'] !== false) {
      emit(hit[0] as 'outbound', { target: hit[1].href.slice(0, LIMITS.target) });
    }
  };
  on(document, 'click', click);
  on(document, 'auxclick', click);

  if (o.autoPageviews !== false) {
    for (const method of ['pushState', 'replaceState'] as const) {
      const original = history[method].bind(history);
      // The page's own call runs outside `safe`: its errors are the page's to see.
      history[method] = (...args: Parameters<History['pushState']>) => {
        original(...args);
        api.pageview();
      };
    }
    on(window, 'popstate', pageview);
    if (o.hashRouting) on(window, 'hashchange', pageview);
    pageview();
  }
  return api;
}
