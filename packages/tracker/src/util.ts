/** Small helpers every part of the tracker shares. */

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
 * `visibilitychange`, `prerenderingchange`) before any page handler can stop them.
 */
export const on = (type: string, listener: (event: never) => unknown) =>
  addEventListener(type, safe(listener) as EventListener, true);

export const noop = () => {};
