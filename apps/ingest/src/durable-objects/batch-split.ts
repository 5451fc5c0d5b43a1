/**
 * Splitting a flush the database refuses for its content, to find the rows it refuses. The
 * batch's atoms are its events (each with the rows of its session and visitor), then session
 * rows no event names, then visitor rows nothing names; each half carries its atoms and the
 * session and visitor rows they name. A session or visitor row may so reach both halves: rows
 * carry running totals merged with GREATEST, so the second copy changes nothing. Halves get
 * derived batch ids (`<id>.0`, `<id>.1`), so a half retried after a restart is still applied
 * once.
 */
import type { IngestBatch } from '@sightline/schema';

type Atom =
  | { kind: 'event'; index: number }
  | { kind: 'session'; index: number }
  | { kind: 'visitor'; index: number };

function atoms(batch: IngestBatch): Atom[] {
  const sessions = new Set(batch.events.map((e) => e.session_id));
  const visitors = new Set(batch.events.map((e) => e.visitor_id));
  const list: Atom[] = batch.events.map((_, index) => ({ kind: 'event', index }));
  batch.sessions.forEach((s, index) => {
    if (!sessions.has(s.session_id)) list.push({ kind: 'session', index });
    visitors.add(s.visitor_id);
  });
  batch.visitors.forEach((v, index) => {
    if (!visitors.has(v.visitor_id)) list.push({ kind: 'visitor', index });
  });
  return list;
}

function part(batch: IngestBatch, list: Atom[], suffix: string): IngestBatch {
  const events = list.filter((a) => a.kind === 'event').map((a) => batch.events[a.index]!);
  const sessionIds = new Set(events.map((e) => e.session_id));
  for (const a of list)
    if (a.kind === 'session') sessionIds.add(batch.sessions[a.index]!.session_id);
  const sessions = batch.sessions.filter((s) => sessionIds.has(s.session_id));
  const visitorIds = new Set([...events, ...sessions].map((r) => r.visitor_id));
  for (const a of list)
    if (a.kind === 'visitor') visitorIds.add(batch.visitors[a.index]!.visitor_id);
  return {
    batch_id: `${batch.batch_id}.${suffix}`,
    store_raw: batch.store_raw,
    events,
    sessions,
    visitors: batch.visitors.filter((v) => visitorIds.has(v.visitor_id)),
  };
}

/**
 * The two halves of `batch`, or null when it is one atom (then it is what the database refuses).
 *
 * @example
 * const halves = splitBatch(batch); // [{ batch_id: `${id}.0`, … }, { batch_id: `${id}.1`, … }]
 */
export function splitBatch(batch: IngestBatch): [IngestBatch, IngestBatch] | null {
  const list = atoms(batch);
  if (list.length < 2) return null;
  const middle = Math.ceil(list.length / 2);
  return [part(batch, list.slice(0, middle), '0'), part(batch, list.slice(middle), '1')];
}
