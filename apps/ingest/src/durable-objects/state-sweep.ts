/**
 * Keeps SiteLive's storage bounded. Every session and visitor state (`s:<id>`, `v:<id>`) is
 * indexed by the day it was last known active (`x:s:<day>:<id>`, `x:v:<day>:<id>`, written when
 * the state is created), and a sweep walks the index up to the keep time: a state idle past it
 * is dropped, a state active since is re-indexed under its newer day. So each state costs one
 * index write when created and at most one per sweep that reaches it, never one per event.
 */

const DAY_MS = 86_400_000;
/** A session (a tab) silent for a day is over: a later event starts its running totals anew. */
export const SESSION_KEEP_MS = DAY_MS;
/** The tracker's visitor id expires after 365 days unused: past that it cannot come back. */
export const VISITOR_KEEP_MS = 400 * DAY_MS;
/** Index entries handled per kind and sweep: a sweep stays short whatever the backlog. */
const SWEEP_LIMIT = 128;

export type StateKind = 's' | 'v';

const dayKey = (ms: number) => String(Math.floor(ms / DAY_MS)).padStart(7, '0');

/** The index entry of a `kind` state last known active at `activeAtMs`. */
export const indexKey = (kind: StateKind, id: string, activeAtMs: number): string =>
  `x:${kind}:${dayKey(activeAtMs)}:${id}`;

/**
 * Drops states of `kind` idle longer than `keepMs` at `now` (from storage and from `memory`, the
 * object's cache of them); returns how many.
 */
export async function sweepStates(
  storage: DurableObjectStorage,
  kind: StateKind,
  keepMs: number,
  now: number,
  memory: Map<string, { lastSeenMs: number }>,
): Promise<number> {
  const cutoff = now - keepMs;
  const index = await storage.list({
    prefix: `x:${kind}:`,
    end: `x:${kind}:${dayKey(cutoff)}`,
    limit: SWEEP_LIMIT,
  });
  let dropped = 0;
  for (const key of index.keys()) {
    const id = key.slice(`x:${kind}:0000000:`.length);
    const state = memory.get(id) ?? (await storage.get<{ lastSeenMs: number }>(`${kind}:${id}`));
    void storage.delete(key);
    if (!state) continue;
    if (state.lastSeenMs < cutoff) {
      void storage.delete(`${kind}:${id}`);
      memory.delete(id);
      dropped++;
    } else {
      void storage.put(indexKey(kind, id, state.lastSeenMs), 1);
    }
  }
  return dropped;
}
