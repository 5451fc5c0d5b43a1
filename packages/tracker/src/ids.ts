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
 * What `uid` makes, and nothing else: a tampered stored value is replaced, not sent. (It also
 * refuses `undefined`, which a missing key reads as, so no separate check is needed.)
 */
const VALID = /^[\da-f-]{36}$/;

/**
 * A random UUID (122 random bits, 36 characters of the schema's id charset), as issue 7 asks.
 * `crypto.randomUUID` exists only in secure contexts (https, localhost): on a page served over
 * plain http it is missing, the tracker's start throws inside `safe`, and nothing is sent.
 */
export const uid = (): string => crypto.randomUUID();

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
