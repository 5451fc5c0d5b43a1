import {
  liveShard,
  type LiveFeedEvent,
  type LiveMessage,
  type LiveVisitor,
} from '@sightline/schema';
import { describe, expect, it } from 'vitest';
import {
  FEED_LIMIT,
  applyLiveMessage,
  applyVisitorRow,
  emptyLiveState,
  fromSnapshotRows,
  isLiveMessage,
  mergeSnapshot,
} from '../../src/lib/live-state.js';

const visitor = (id: string, extra: Partial<LiveVisitor> = {}): LiveVisitor => ({
  id,
  path: '/',
  country: 'DE',
  region: 'BE',
  city: 'Berlin',
  latitude: 52.5,
  longitude: 13.4,
  device: 'desktop',
  browser: 'Firefox',
  os: 'Linux',
  referrerClass: 'direct',
  engagedMs: 1000,
  pageviews: 1,
  score: 40,
  lastSeen: 1_000,
  ...extra,
});

const event = (id: string, at: number): LiveFeedEvent => ({
  id,
  type: 'pageview',
  visitor: 'v1',
  path: '/',
  name: '',
  country: 'DE',
  city: 'Berlin',
  at,
});

const msg = (seq: number, extra: Partial<LiveMessage> = {}): LiveMessage => ({
  site: 's',
  seq,
  at: 5_000 + seq,
  visitorsNow: 0,
  full: false,
  visitors: [],
  left: [],
  events: [],
  ...extra,
});

describe('applyLiveMessage', () => {
  it('replaces everything on a full snapshot', () => {
    let s = applyLiveMessage(
      emptyLiveState,
      msg(1, { full: true, visitors: [visitor('a'), visitor('b')], visitorsNow: 2 }),
    );
    s = applyLiveMessage(s, msg(2, { full: true, visitors: [visitor('c')], visitorsNow: 1 }));
    expect([...s.visitors.keys()]).toEqual(['c']);
    expect(s.visitorsNow).toBe(1);
  });

  it('upserts deltas and removes visitors who left', () => {
    let s = applyLiveMessage(
      emptyLiveState,
      msg(1, { full: true, visitors: [visitor('a'), visitor('b')], visitorsNow: 2 }),
    );
    s = applyLiveMessage(
      s,
      msg(2, {
        visitors: [visitor('a', { score: 90 }), visitor('c')],
        left: ['b'],
        visitorsNow: 2,
      }),
    );
    expect([...s.visitors.keys()].sort()).toEqual(['a', 'c']);
    expect(s.visitors.get('a')!.score).toBe(90);
    expect(s.gap).toBe(false);
  });

  it('ignores a stale delta and flags a sequence gap', () => {
    let s = applyLiveMessage(emptyLiveState, msg(5, { full: true, visitorsNow: 3 }));
    expect(applyLiveMessage(s, msg(4, { visitorsNow: 9 }))).toBe(s);
    s = applyLiveMessage(s, msg(7, { visitorsNow: 4 }));
    expect(s.gap).toBe(true);
    expect(s.visitorsNow).toBe(4);
    expect(applyLiveMessage(s, msg(8, { full: true })).gap).toBe(false);
  });

  it('keeps the newest events first, bounded, and tracks the newest event time', () => {
    let s = emptyLiveState;
    for (let i = 1; i <= FEED_LIMIT + 5; i++)
      s = applyLiveMessage(s, msg(i, { events: [event(`e${i}`, i * 10)] }));
    expect(s.events).toHaveLength(FEED_LIMIT);
    expect(s.events[0]!.id).toBe(`e${FEED_LIMIT + 5}`);
    expect(s.lastEventAt).toBe((FEED_LIMIT + 5) * 10);
  });
});

describe('applyLiveMessage: truncated snapshots', () => {
  it('flags a truncated snapshot until the next complete one, keeping the exact count', () => {
    let s = applyLiveMessage(
      emptyLiveState,
      msg(1, { full: true, truncated: true, visitors: [visitor('a')], visitorsNow: 900 }),
    );
    expect(s).toMatchObject({ truncated: true, visitorsNow: 900 });
    expect(s.visitors.size).toBe(1);
    s = applyLiveMessage(s, msg(2, { visitors: [visitor('b')], visitorsNow: 900 }));
    expect(s.truncated).toBe(true);
    s = applyLiveMessage(s, msg(3, { full: true, visitors: [visitor('c')], visitorsNow: 1 }));
    expect(s.truncated).toBe(false);
  });

  it('stays flagged while any shard is truncated', () => {
    let s = applyLiveMessage(
      emptyLiveState,
      msg(1, { shard: 0, shards: 2, full: true, truncated: true, visitorsNow: 500 }),
    );
    s = applyLiveMessage(s, msg(1, { shard: 1, shards: 2, full: true, visitorsNow: 3 }));
    expect(s).toMatchObject({ truncated: true, visitorsNow: 503 });
  });
});

describe('applyLiveMessage: a sharded site', () => {
  // Visitor ids of shard 0 and shard 1 of 2.
  const ids = Array.from({ length: 40 }, (_, i) => `vis_${i}`);
  const [a0, b0] = ids.filter((id) => liveShard(id, 2) === 0);
  const [a1, b1] = ids.filter((id) => liveShard(id, 2) === 1);
  const of = (shard: number, seq: number, extra: Partial<LiveMessage> = {}) =>
    msg(seq, { shard, shards: 2, ...extra });

  it('sums visitorsNow over the shards', () => {
    let s = applyLiveMessage(
      emptyLiveState,
      of(0, 1, { full: true, visitors: [visitor(a0!), visitor(b0!)], visitorsNow: 2 }),
    );
    s = applyLiveMessage(s, of(1, 1, { full: true, visitors: [visitor(a1!)], visitorsNow: 1 }));
    expect(s.visitorsNow).toBe(3);
    expect(s.visitors.size).toBe(3);
    s = applyLiveMessage(s, of(1, 2, { visitors: [visitor(b1!)], visitorsNow: 2 }));
    expect(s.visitorsNow).toBe(4);
    s = applyLiveMessage(s, of(0, 2, { left: [a0!], visitorsNow: 1 }));
    expect(s.visitorsNow).toBe(3);
    expect([...s.visitors.keys()].sort()).toEqual([b0!, a1!, b1!].sort());
    expect(s.gap).toBe(false);
  });

  it("replaces only the sending shard's visitors on a full snapshot", () => {
    let s = applyLiveMessage(
      emptyLiveState,
      of(0, 1, { full: true, visitors: [visitor(a0!), visitor(b0!)], visitorsNow: 2 }),
    );
    s = applyLiveMessage(s, of(1, 1, { full: true, visitors: [visitor(a1!)], visitorsNow: 1 }));
    s = applyLiveMessage(s, of(1, 2, { full: true, visitors: [visitor(b1!)], visitorsNow: 1 }));
    expect([...s.visitors.keys()].sort()).toEqual([a0!, b0!, b1!].sort());
    expect(s.visitorsNow).toBe(3);
  });

  it('detects gaps and stale messages per shard', () => {
    let s = applyLiveMessage(emptyLiveState, of(0, 10, { full: true, visitorsNow: 1 }));
    // Shard 1's first message is not a gap, whatever its seq.
    s = applyLiveMessage(s, of(1, 3, { visitorsNow: 1 }));
    expect(s.gap).toBe(false);
    // Seq 4 is stale for shard 0 but the next one for shard 1.
    expect(applyLiveMessage(s, of(0, 4, { visitorsNow: 9 }))).toBe(s);
    s = applyLiveMessage(s, of(1, 4, { visitorsNow: 2 }));
    expect(s.gap).toBe(false);
    expect(s.visitorsNow).toBe(3);
    s = applyLiveMessage(s, of(0, 12, { visitorsNow: 1 }));
    expect(s.gap).toBe(true);
    // Shard 1's full message does not clear shard 0's gap; shard 0's does.
    s = applyLiveMessage(s, of(1, 5, { full: true, visitorsNow: 2 }));
    expect(s.gap).toBe(true);
    s = applyLiveMessage(s, of(0, 13, { full: true, visitorsNow: 1 }));
    expect(s.gap).toBe(false);
  });

  it('treats a message without shard as shard 0 of 1', () => {
    const s = applyLiveMessage(
      emptyLiveState,
      msg(1, { full: true, visitors: [visitor(a0!), visitor(a1!)], visitorsNow: 2 }),
    );
    expect([...s.shards.keys()]).toEqual([0]);
    const next = applyLiveMessage(
      s,
      msg(2, { full: true, visitors: [visitor(b1!)], visitorsNow: 1 }),
    );
    expect([...next.visitors.keys()]).toEqual([b1!]);
    expect(next.visitorsNow).toBe(1);
  });

  it('rejects malformed shard fields', () => {
    expect(isLiveMessage(of(1, 1))).toBe(true);
    expect(isLiveMessage({ ...msg(1), shard: -1 })).toBe(false);
    expect(isLiveMessage({ ...msg(1), shard: '1' })).toBe(false);
    expect(isLiveMessage({ ...msg(1), shards: 0 })).toBe(false);
  });
});

describe('snapshots and row changes', () => {
  const row = {
    visitor_id: 'a',
    latitude: 1,
    longitude: 2,
    country: 'FR',
    region: '',
    city: 'Paris',
    path: '/x',
    device: 'mobile',
    browser: 'Safari',
    os: 'iOS',
    value_score: 12,
    engaged_ms: 300,
    pageviews: 2,
    last_seen: '2026-01-01T00:00:00.000Z',
  };

  it('builds the first state from live_visitors rows', () => {
    const s = fromSnapshotRows([row]);
    expect(s.visitorsNow).toBe(1);
    expect(s.visitors.get('a')!.city).toBe('Paris');
    expect(s.lastEventAt).toBe(Date.parse(row.last_seen));
  });

  it('lets broadcasts win over a late snapshot', () => {
    const live = applyLiveMessage(
      emptyLiveState,
      msg(1, { full: true, visitors: [visitor('z')], visitorsNow: 1 }),
    );
    expect(mergeSnapshot(live, [row])).toBe(live);
  });

  it('refreshes a live visitor from a visitors row change and ignores unknown ones', () => {
    const s = fromSnapshotRows([row]);
    expect(applyVisitorRow(s, { visitor_id: 'a', value_score: 77 }).visitors.get('a')!.score).toBe(
      77,
    );
    expect(applyVisitorRow(s, { visitor_id: 'nobody', value_score: 77 })).toBe(s);
  });

  it('rejects malformed payloads', () => {
    expect(isLiveMessage(msg(1))).toBe(true);
    expect(isLiveMessage({ seq: '1' })).toBe(false);
    expect(isLiveMessage(null)).toBe(false);
  });
});

describe('applyLiveMessage: dead-lettered events', () => {
  it('sums what each shard reports on its full messages and keeps it between them', () => {
    let s = applyLiveMessage(
      emptyLiveState,
      msg(1, { shard: 0, shards: 2, full: true, deadLettered: { events: 3, entries: 2 } }),
    );
    s = applyLiveMessage(
      s,
      msg(1, { shard: 1, shards: 2, full: true, deadLettered: { events: 1, entries: 1 } }),
    );
    expect(s.deadLettered).toBe(4);
    s = applyLiveMessage(s, msg(2, { shard: 0, shards: 2 }));
    expect(s.deadLettered).toBe(4);
    s = applyLiveMessage(s, msg(3, { shard: 1, shards: 2, full: true }));
    expect(s.deadLettered).toBe(3);
  });
});
