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

export interface Ids {
  session: string;
  visitor: string;
  storage: boolean;
}

/** The schema's id charset and length, so a tampered stored value is replaced, not sent. */
const VALID = /^[\w-]{8,64}$/;

/**
 * Four random 32-bit numbers joined by `_` (128 bits, 7–43 characters of the schema's id
 * charset; under 8 only if all four are below 10, about 1 in 10^36). `getRandomValues` rather
 * than `crypto.randomUUID`, which pages served over plain http (no secure context) lack.
 */
export const uid = (): string => crypto.getRandomValues(new Uint32Array(4)).join('_');

type Store = Record<string, string | undefined>;

/** Read or create both ids, renewing the visitor's expiry. */
export function loadIds(now: number): Ids {
  try {
    // Bracket access rather than getItem/setItem: the same Storage API, fewer bytes shipped.
    const sessions = sessionStorage as unknown as Store;
    const visitors = localStorage as unknown as Store;
    let session = sessions[SESSION_KEY] ?? '';
    const [stored = '', expiry] = (visitors[VISITOR_KEY] ?? '').split('.');
    let visitor = stored;
    if (!VALID.test(session)) sessions[SESSION_KEY] = session = uid();
    if (!VALID.test(visitor) || +expiry! < now) visitor = uid();
    visitors[VISITOR_KEY] = visitor + '.' + (now + VISITOR_TTL_MS);
    return { session, visitor, storage: true };
  } catch {
    return { session: uid(), visitor: uid(), storage: false };
  }
}
