/**
 * The type of `window.sightline` once the script tag has loaded, exported from the package for
 * pages that call it from TypeScript (the ./sightline.js file itself is a plain script, typed
 * by bundlers that import it as text).
 *
 * @example
 * import type { SightlineGlobal } from '@sightline/tracker';
 * declare global { interface Window { sightline?: SightlineGlobal } }
 * window.sightline?.('track', 'signup');
 */
import type { Api } from './tracker.js';

export interface SightlineGlobal extends Api {
  (command: keyof Api, ...args: unknown[]): void;
  /** Calls made through a stub before this script loaded. */
  q?: ArrayLike<unknown>[];
}
