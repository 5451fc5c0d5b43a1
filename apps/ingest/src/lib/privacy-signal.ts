/**
 * Global Privacy Control (`Sec-GPC: 1`, https://privacycg.github.io/gpc-spec/) and Do Not Track
 * (`DNT: 1`): a visitor's browser asking not to be tracked. Honoured by default: such a beacon
 * is dropped before anything is stored or counted as a visit, and answered exactly like an
 * accepted one, so a page learns nothing from the answer. A site may opt out
 * (`sites.respect_privacy_signals = false`), e.g. when it records consent of its own.
 */

/**
 * The signal a request carries, or null.
 *
 * @example
 * privacySignal(new Headers({ 'sec-gpc': '1' })); // 'gpc'
 */
export function privacySignal(headers: Headers): 'gpc' | 'dnt' | null {
  if (headers.get('sec-gpc')?.trim() === '1') return 'gpc';
  if (headers.get('dnt')?.trim() === '1') return 'dnt';
  return null;
}
