/**
 * The exact set of visitors on a site now: present while their events keep coming, gone after a
 * configurable silence or at once on a final heartbeat (page hidden or closed). While someone
 * watches (`recording`), it records what changed since the last message so pushes carry deltas,
 * with a full snapshot now and then; unwatched it keeps only the set itself, which is all the
 * exact count and the next watcher's snapshot need.
 */
import {
  LIVE_FEED_TYPES,
  type EnrichedEvent,
  type LiveFeedEvent,
  type LiveMessage,
  type LiveVisitor,
} from '@sightline/schema';
import type { SessionState } from './visit-state.js';

/** Feed entries kept between two messages; a burst beyond this keeps the newest. */
const MAX_FEED = 50;
/**
 * Supabase Realtime refuses broadcasts over 256 KB on the free plan (3,000 KB on paid plans): a
 * message's visitors stay under this many bytes of JSON. A full snapshot past it carries the
 * most recently seen visitors that fit (`truncated`); a delta past it becomes such a snapshot.
 */
export const MAX_VISITOR_BYTES = 200_000;

export class LiveSet {
  readonly #windowMs: number;
  readonly #visitors = new Map<string, LiveVisitor>();
  readonly #changed = new Set<string>();
  readonly #left = new Set<string>();
  #feed: LiveFeedEvent[] = [];
  #seq = 0;
  #recording: boolean;
  /** A recorded change the screen should show at once: someone came, left, moved or acted. */
  #urgent = false;

  constructor(windowMs: number, recording = true) {
    this.#windowMs = windowMs;
    this.#recording = recording;
  }

  get recording(): boolean {
    return this.#recording;
  }

  /** Starts (or stops) recording changes for pushes; either way the change record starts empty. */
  record(on: boolean): void {
    this.#recording = on;
    this.#changed.clear();
    this.#left.clear();
    this.#feed = [];
    this.#urgent = false;
  }

  get size(): number {
    return this.#visitors.size;
  }

  /** The visitors present (for storage: an evicted object restores them with `restore`). */
  visitors(): LiveVisitor[] {
    return [...this.#visitors.values()];
  }

  /**
   * Puts back visitors a previous instance of the object had (its last stored set), those still
   * inside the window at `now`; visitors this instance has seen since keep their newer entry.
   */
  restore(visitors: readonly LiveVisitor[], now: number): void {
    for (const v of visitors) {
      if (v.lastSeen + this.#windowMs <= now || this.#visitors.has(v.id)) continue;
      this.#visitors.set(v.id, v);
    }
  }

  get dirty(): boolean {
    return this.#changed.size > 0 || this.#left.size > 0 || this.#feed.length > 0;
  }

  /**
   * Whether the pending changes move the count, the feed or a visitor's page (worth a push at
   * once), rather than only a present visitor's engaged time or score (which can wait).
   */
  get urgent(): boolean {
    return this.#urgent;
  }

  /**
   * Records an accepted event of `session` whose visitor now scores `score`; `goals`: the names
   * of the goals it completes. Heartbeats and vitals move visitors but stay out of the feed.
   */
  see(e: EnrichedEvent, session: SessionState, score: number, goals: string[] = []): void {
    if (this.#recording) this.#recordFeed(e, goals);
    if (e.type === 'heartbeat' && e.final) {
      this.#leave(e.visitor);
      return;
    }
    const prior = this.#visitors.get(e.visitor);
    this.#visitors.set(e.visitor, {
      id: e.visitor,
      path: e.type === 'pageview' || !prior ? e.url : prior.path,
      country: e.country,
      region: e.region,
      city: e.city,
      latitude: e.latitude,
      longitude: e.longitude,
      device: e.device,
      browser: e.browser,
      os: e.os,
      referrerClass: session.referrer_class,
      engagedMs: session.engaged_ms,
      pageviews: session.pageviews,
      score,
      lastSeen: Math.max(prior?.lastSeen ?? 0, e.receivedAt),
    });
    if (!this.#recording) return;
    if (!prior || LIVE_FEED_TYPES.includes(e.type)) this.#urgent = true;
    this.#left.delete(e.visitor);
    this.#changed.add(e.visitor);
  }

  #recordFeed(e: EnrichedEvent, goals: string[]): void {
    if (!LIVE_FEED_TYPES.includes(e.type)) return;
    const entry: LiveFeedEvent = {
      id: e.id,
      type: e.type,
      visitor: e.visitor,
      path: e.url,
      name:
        e.type === 'custom'
          ? e.name
          : e.type === 'outbound' || e.type === 'download'
            ? e.target
            : '',
      country: e.country,
      city: e.city,
      at: e.receivedAt,
    };
    if (goals.length > 0) entry.goals = goals;
    if (e.type === 'custom' && e.revenue) entry.revenue = { ...e.revenue };
    this.#feed.push(entry);
    if (this.#feed.length > MAX_FEED) this.#feed = this.#feed.slice(-MAX_FEED);
  }

  /** Drops visitors silent for longer than the window. Returns the earliest next expiry. */
  sweep(now: number): number | null {
    let next: number | null = null;
    for (const [id, v] of this.#visitors) {
      const expires = v.lastSeen + this.#windowMs;
      if (expires <= now) this.#leave(id);
      else next = next === null ? expires : Math.min(next, expires);
    }
    return next;
  }

  /**
   * A full snapshot for a new watcher, outside the sequence: it carries the current `seq`
   * (applied as a full message, it replaces that shard's visitors without making a gap for
   * anyone) and leaves the change record alone.
   */
  snapshot(site: string, now: number, maxBytes = MAX_VISITOR_BYTES): LiveMessage {
    const [visitors, truncated] = this.#newestWithin(maxBytes);
    const message: LiveMessage = {
      site,
      seq: this.#seq,
      at: now,
      visitorsNow: this.#visitors.size,
      full: true,
      visitors,
      left: [],
      events: [],
    };
    if (truncated) message.truncated = true;
    return message;
  }

  /**
   * The next message: everything (`full`) or what changed; clears the change record. The
   * count is always exact; the visitors listed stay within `maxBytes` of JSON.
   */
  message(site: string, full: boolean, now: number, maxBytes = MAX_VISITOR_BYTES): LiveMessage {
    let visitors: LiveVisitor[] = [];
    let truncated = false;
    if (!full) {
      visitors = [...this.#changed].flatMap((id) => this.#visitors.get(id) ?? []);
      full = jsonBytes(visitors) > maxBytes;
    }
    if (full) [visitors, truncated] = this.#newestWithin(maxBytes);
    const message: LiveMessage = {
      site,
      seq: ++this.#seq,
      at: now,
      visitorsNow: this.#visitors.size,
      full,
      visitors,
      left: [...this.#left],
      events: this.#feed,
    };
    if (truncated) message.truncated = true;
    this.#changed.clear();
    this.#left.clear();
    this.#feed = [];
    this.#urgent = false;
    return message;
  }

  /** The most recently seen visitors whose JSON fits `maxBytes`; true when some were left out. */
  #newestWithin(maxBytes: number): [LiveVisitor[], boolean] {
    // Each visitor is serialised once: its size decides both whether all fit and which do.
    const all = [...this.#visitors.values()].map((v) => ({ v, bytes: jsonBytes(v) + 1 }));
    // `[`, then each visitor with its `,` (the last one's is the `]`).
    if (all.reduce((sum, x) => sum + x.bytes, 1) <= maxBytes) return [all.map((x) => x.v), false];
    all.sort((a, b) => b.v.lastSeen - a.v.lastSeen);
    const kept: LiveVisitor[] = [];
    let bytes = 1;
    for (const x of all) {
      bytes += x.bytes;
      if (bytes > maxBytes) break;
      kept.push(x.v);
    }
    return [kept, true];
  }

  #leave(id: string): void {
    if (this.#visitors.delete(id) && this.#recording) {
      this.#left.add(id);
      this.#urgent = true;
    }
    this.#changed.delete(id);
  }
}

const encoder = new TextEncoder();
/** UTF-8 bytes of a value's JSON. */
const jsonBytes = (value: unknown): number => encoder.encode(JSON.stringify(value)).length;
