/** Splitting a refused flush: every row keeps travelling with what names it. */
import type { IngestBatch } from '@sightline/schema';
import { describe, expect, it } from 'vitest';
import { splitBatch } from '../src/durable-objects/batch-split.js';

const event = (id: string, session: string, visitor: string) =>
  ({ id, session_id: session, visitor_id: visitor }) as IngestBatch['events'][number];
const session = (id: string, visitor: string) =>
  ({ session_id: id, visitor_id: visitor }) as IngestBatch['sessions'][number];
const visitor = (id: string) => ({ visitor_id: id }) as IngestBatch['visitors'][number];

const ids = (b: IngestBatch) => ({
  batch_id: b.batch_id,
  events: b.events.map((e) => e.id),
  sessions: b.sessions.map((s) => s.session_id),
  visitors: b.visitors.map((v) => v.visitor_id),
});

describe('splitBatch', () => {
  it('halves the events; each half carries the session and visitor rows its events name', () => {
    const batch: IngestBatch = {
      batch_id: 'b1',
      store_raw: true,
      events: [event('e1', 's1', 'v1'), event('e2', 's1', 'v1'), event('e3', 's2', 'v2')],
      sessions: [session('s1', 'v1'), session('s2', 'v2'), session('s3', 'v3')],
      visitors: [visitor('v1'), visitor('v2'), visitor('v3'), visitor('v4')],
    };
    const [a, b] = splitBatch(batch)!;
    // Atoms: e1, e2, e3, then s3 (named by no event), then v4 (named by nothing).
    expect(ids(a)).toEqual({
      batch_id: 'b1.0',
      events: ['e1', 'e2', 'e3'],
      sessions: ['s1', 's2'],
      visitors: ['v1', 'v2'],
    });
    expect(ids(b)).toEqual({
      batch_id: 'b1.1',
      events: [],
      sessions: ['s3'],
      visitors: ['v3', 'v4'],
    });
    expect(a.store_raw && b.store_raw).toBe(true);
  });

  it('repeats a session row in both halves when its events are split (GREATEST makes it once)', () => {
    const batch: IngestBatch = {
      batch_id: 'b2',
      store_raw: false,
      events: [event('e1', 's1', 'v1'), event('e2', 's1', 'v1')],
      sessions: [session('s1', 'v1')],
      visitors: [visitor('v1')],
    };
    const [a, b] = splitBatch(batch)!;
    expect(ids(a)).toEqual({
      batch_id: 'b2.0',
      events: ['e1'],
      sessions: ['s1'],
      visitors: ['v1'],
    });
    expect(ids(b)).toEqual({
      batch_id: 'b2.1',
      events: ['e2'],
      sessions: ['s1'],
      visitors: ['v1'],
    });
  });

  it('cannot split one event with its rows, nor a lone row', () => {
    const one: IngestBatch = {
      batch_id: 'b3',
      store_raw: false,
      events: [event('e1', 's1', 'v1')],
      sessions: [session('s1', 'v1')],
      visitors: [visitor('v1')],
    };
    expect(splitBatch(one)).toBeNull();
    expect(splitBatch({ ...one, events: [] })).toBeNull();
    expect(splitBatch({ ...one, events: [], sessions: [] })).toBeNull();
  });

  it('ends in single atoms: every event in exactly one leaf', () => {
    const events = Array.from({ length: 37 }, (_, i) => event(`e${i}`, `s${i % 5}`, `v${i % 3}`));
    const batch: IngestBatch = {
      batch_id: 'b4',
      store_raw: true,
      events,
      sessions: Array.from({ length: 5 }, (_, i) => session(`s${i}`, `v${i % 3}`)),
      visitors: Array.from({ length: 3 }, (_, i) => visitor(`v${i}`)),
    };
    const leaves: IngestBatch[] = [];
    const walk = (b: IngestBatch) => {
      const halves = splitBatch(b);
      if (halves) halves.forEach(walk);
      else leaves.push(b);
    };
    walk(batch);
    expect(leaves.flatMap((l) => l.events.map((e) => e.id)).sort()).toEqual(
      events.map((e) => e.id).sort(),
    );
    expect(new Set(leaves.map((l) => l.batch_id)).size).toBe(leaves.length);
  });
});
