/**
 * Cookieless identity: a session id in sessionStorage (ends with the tab) and a visitor id in
 * localStorage that expires 365 days after the last visit. When storage throws (blocked
 * storage, sandboxed frames, some private modes) both ids live in memory for this page only
 * and every event says so with `storage: false`.
 */
import { VISITOR_TTL_MS } from './limits.js';

export const SESSION_KEY = 'sightline:session';
/** Stored as `<id>.<expiry ms>`: ids never contain a dot. */
export const VISITOR_KEY = 'sightline:visitor';

/**
 * What `uid` makes (either form), and nothing else: a tampered stored value is replaced, not
 * sent. (It also refuses `undefined`, which a missing key reads as, so no separate check is
 * needed.) 8 to 64 characters: the schema's bounds for ids.
 */
const VALID = /^[\da-f-]{8,64}$/;

/**
 * A random UUID (122 random bits, 36 characters of the schema's id charset). `crypto.randomUUID`
 * exists only in secure contexts (https, localhost); on a page served over plain http the id is
 * 128 bits from `crypto.getRandomValues` (available everywhere), as four decimal numbers joined
 * by dashes: up to 43 characters of the same charset (fewer than the schema's minimum of 8 only
 if all four numbers are below 10, a chance of 1e-35).
 */
export const uid = (): string =>
  crypto.randomUUID?.() ?? crypto.getRandomValues(new Uint32Array(4)).join('-');

/** `[session, visitor, storage]`: read or create both ids, renewing the visitor's expiry. */
export function loadIds(now: number): [string, string, boolean] {
  try {
    // Bracket access rather than getItem/setItem: the same Storage API, fewer bytes shipped.
    const [stored, expiry] = String(localStorage[VISITOR_KEY]).split('.');
    const visitor = VALID.test(stored!) && +expiry! > now ? stored! : uid();
    const session = sessionStorage[SESSION_KEY] as string;
    // Both written back every time: the visitor's expiry renewed, a new session id stored.
    localStorage[VISITOR_KEY] = visitor + '.' + (now + VISITOR_TTL_MS);
    return [(sessionStorage[SESSION_KEY] = VALID.test(session) ? session : uid()), visitor, true];
  } catch {
    return [uid(), uid(), false];
  }
}
