/**
 * The live layer's state and the pure reducer that applies broadcasts to it. Kept free of React
 * and sockets so the ordering rules (snapshots replace, deltas upsert, gaps are detected) are
 * unit-tested directly. A hot site's live layer may be sharded (by visitor): sequence numbers,
 * counts and snapshots are then per shard; a message without `shard` is shard 0 of 1.
 */
import {
  liveShard,
  type LiveFeedEvent,
  type LiveMessage,
  type LiveVisitor,
} from '@sightline/schema/live';
import type { LiveVisitorRow } from './api.js';

/** Feed length kept in memory; older entries scroll off. */
export const FEED_LIMIT = 50;

/** What is known of one live shard from its broadcasts. */
export interface LiveShardState {
  /** Last applied sequence number of this shard. */
  seq: number;
  visitorsNow: number;
  /** A sequence gap of this shard; cleared by its next full message or a re-read snapshot. */
  gap: boolean;
  /** Its last full snapshot listed only the most recently seen visitors (see LiveMessage). */
  truncated: boolean;
  /** Events its database flushes had refused for their content (dead-lettered), all time. */
  deadLettered: number;
}

export interface LiveState {
  /** Visitors of all shards. */
  visitors: ReadonlyMap<string, LiveVisitor>;
  /** Sum over the shards. */
  visitorsNow: number;
  events: readonly LiveFeedEvent[];
  /** Last applied broadcast sequence number (of any shard); null before the first. */
  seq: number | null;
  /** Newest event time seen, ms since the epoch (drives "last event 0.4 s ago"). */
  lastEventAt: number | null;
  /** Set when a sequence gap of any shard showed a missed delta; cleared by the next snapshot. */
  gap: boolean;
  /** Per shard (0 for an unsharded site); empty before the first broadcast. */
  shards: ReadonlyMap<number, LiveShardState>;
  /**
   * Some shard's last snapshot was truncated to fit one broadcast: `visitors` holds the most
   * recently seen visitors, `visitorsNow` still counts them all.
   */
  truncated: boolean;
  /** Sum over the shards of events the database refused (see LiveMessage.deadLettered). */
  deadLettered: number;
}

export const emptyLiveState: LiveState = {
  visitors: new Map(),
  visitorsNow: 0,
  events: [],
  seq: null,
  lastEventAt: null,
  gap: false,
  shards: new Map(),
  truncated: false,
  deadLettered: 0,
};

export function visitorFromRow(row: LiveVisitorRow): LiveVisitor {
  return {
    id: row.visitor_id,
    path: row.path,
    country: row.country,
    region: row.region,
    city: row.city,
    latitude: row.latitude,
    longitude: row.longitude,
    device: row.device,
    browser: row.browser,
    os: row.os,
    referrerClass: '',
    engagedMs: row.engaged_ms,
    pageviews: row.pageviews,
    score: row.value_score,
    lastSeen: Date.parse(row.last_seen),
  };
}

/** The initial state from `live_visitors`, before any broadcast has arrived. */
export function fromSnapshotRows(rows: readonly LiveVisitorRow[]): LiveState {
  const visitors = new Map(rows.map((r) => [r.visitor_id, visitorFromRow(r)] as const));
  let last: number | null = null;
  for (const v of visitors.values())
    if (Number.isFinite(v.lastSeen)) last = Math.max(last ?? 0, v.lastSeen);
  return { ...emptyLiveState, visitors, visitorsNow: visitors.size, lastEventAt: last };
}

/** Merges a snapshot fetched while broadcasts were already flowing: broadcasts win. */
export function mergeSnapshot(state: LiveState, rows: readonly LiveVisitorRow[]): LiveState {
  if (state.seq !== null && !state.gap) return state;
  const snap = fromSnapshotRows(rows);
  return {
    ...state,
    visitors: snap.visitors,
    visitorsNow: state.seq === null ? snap.visitorsNow : state.visitorsNow,
    lastEventAt: Math.max(state.lastEventAt ?? 0, snap.lastEventAt ?? 0) || null,
    gap: false,
    shards: new Map([...state.shards].map(([k, sh]) => [k, { ...sh, gap: false }] as const)),
  };
}

export function applyLiveMessage(state: LiveState, msg: LiveMessage): LiveState {
  const shard = msg.shard ?? 0;
  const shardCount = msg.shards ?? 1;
  const prev = state.shards.get(shard);
  // A message older than what we applied (reordered delivery) would move state backwards.
  if (prev && msg.seq <= prev.seq && !msg.full) return state;
  const gap = !msg.full && prev !== undefined && msg.seq !== prev.seq + 1;
  let visitors: Map<string, LiveVisitor>;
  if (msg.full) {
    // Replaces this shard's visitors only (all of them on an unsharded site).
    visitors = new Map();
    for (const [id, v] of state.visitors)
      if (liveShard(id, shardCount) !== shard) visitors.set(id, v);
    for (const v of msg.visitors) visitors.set(v.id, v);
  } else if (msg.visitors.length === 0 && msg.left.length === 0) {
    // Keep the same Map so the map and live lists skip re-rendering on count-only messages.
    visitors = state.visitors as Map<string, LiveVisitor>;
  } else {
    visitors = new Map(state.visitors);
    for (const v of msg.visitors) visitors.set(v.id, v);
    for (const id of msg.left) visitors.delete(id);
  }
  let lastEventAt = state.lastEventAt;
  for (const e of msg.events) lastEventAt = Math.max(lastEventAt ?? 0, e.at);
  const events = msg.events.length
    ? [...msg.events].reverse().concat(state.events).slice(0, FEED_LIMIT)
    : state.events;
  const shards = new Map(state.shards);
  shards.set(shard, {
    seq: msg.seq,
    visitorsNow: msg.visitorsNow,
    gap: msg.full ? false : (prev?.gap ?? false) || gap,
    truncated: msg.full ? msg.truncated === true : (prev?.truncated ?? false),
    deadLettered: msg.full ? (msg.deadLettered?.events ?? 0) : (prev?.deadLettered ?? 0),
  });
  let visitorsNow = 0;
  let anyGap = false;
  let truncated = false;
  let deadLettered = 0;
  for (const sh of shards.values()) {
    visitorsNow += sh.visitorsNow;
    anyGap ||= sh.gap;
    truncated ||= sh.truncated;
    deadLettered += sh.deadLettered;
  }
  return {
    visitors,
    visitorsNow,
    events,
    seq: msg.seq,
    lastEventAt,
    gap: anyGap,
    shards,
    truncated,
    deadLettered,
  };
}

/** A `visitors` row change (postgres_changes) refreshes detail of a visitor already live. */
export function applyVisitorRow(state: LiveState, row: Record<string, unknown>): LiveState {
  const id = typeof row.visitor_id === 'string' ? row.visitor_id : null;
  const current = id ? state.visitors.get(id) : undefined;
  if (!id || !current) return state;
  const next: LiveVisitor = {
    ...current,
    score: typeof row.value_score === 'number' ? row.value_score : current.score,
    path: typeof row.last_path === 'string' && row.last_path ? row.last_path : current.path,
  };
  const visitors = new Map(state.visitors);
  visitors.set(id, next);
  return { ...state, visitors };
}

/** Runtime check of a broadcast payload: a malformed message is dropped, never rendered. */
export function isLiveMessage(value: unknown): value is LiveMessage {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Record<string, unknown>;
  return (
    typeof m.seq === 'number' &&
    typeof m.visitorsNow === 'number' &&
    typeof m.full === 'boolean' &&
    Array.isArray(m.visitors) &&
    Array.isArray(m.left) &&
    Array.isArray(m.events) &&
    (m.shard === undefined || (Number.isInteger(m.shard) && (m.shard as number) >= 0)) &&
    (m.shards === undefined || (Number.isInteger(m.shards) && (m.shards as number) >= 1))
  );
}
