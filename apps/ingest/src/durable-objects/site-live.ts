/**
 * SiteLive: one Durable Object per site (per live shard of a hot site: see LIVE_SHARDS in
 * lib/site-live-stub.ts; a shard owns whole visitors, so all below stays exact per shard), the
 * exact, single-threaded place where a site's events meet. It deduplicates by event id, keeps
 * running session and visitor totals and value scores, writes each event's Analytics Engine
 * point with the additive measures only this exact state knows (ae-measures.ts), knows exactly
 * who is on the site now, pushes live messages to Realtime only while a dashboard watches
 * (`watch`, renewed by the dashboard: at once when idle, at most ~20 per second in a burst, a
 * full snapshot every 5 s; none at all for an unwatched site), keeps a KV snapshot of the live
 * count for sites that publish it, and flushes to Postgres through ONE `ingest_batch` RPC per
 * flush (every second or 500 events), retrying failed batches from storage with back-off, and
 * splitting a batch the database refuses for its content so that only the rows it refuses are
 * held back (dead-lettered, counted, never silently dropped).
 */
import { DurableObject } from 'cloudflare:workers';
import {
  AE_LIMITS,
  needsDataPoint,
  toDataPoint,
  DEFAULT_CONTENT_GROUPS,
  goalMatches,
  toIngestWire,
  type ContentGroupRule,
  type EnrichedEvent,
  type Goal,
  type IngestBatch,
  type IngestSession,
  type IngestVisitor,
  type LiveMessage,
  type LiveVisitor,
} from '@sightline/schema';
import { measure, pointSession } from './ae-measures.js';
import { localDayStart, localHourStart } from './calendar.js';
import { DeadLetterStore, type DeadLetterStats, type DeadLetterSummary } from './dead-letter.js';
import { Dedup } from './dedup.js';
import { classifyFlushFailure, type FlushFailure } from './flush-failure.js';
import { LiveSet } from './live-set.js';
import { Outbox } from './outbox.js';
import { broadcast } from './realtime.js';
import { indexKey, SESSION_KEEP_MS, sweepStates, VISITOR_KEEP_MS } from './state-sweep.js';
import { toIngestEvent } from './to-ingest-event.js';
import {
  foldEvent,
  foldVisitor,
  newSession as startSession,
  score,
  sessionRow,
  visitorRow,
  type SessionState,
  type VisitorState,
} from './visit-state.js';
import { liveSnapshotKey } from '../lib/site-live-stub.js';
import { SpikeAlerts, type SpikeAlertCall } from './spike-alert.js';
import { postgrest } from '../lib/supabase.js';

export interface IngestCall {
  site: string;
  /** This object's live shard (0..shards-1); absent: 0 of 1. */
  shard?: number;
  shards?: number;
  timezone: string;
  storeRaw: boolean;
  /** The site publishes its live count (`sites.public_live`): keep the KV snapshot. */
  publicLive?: boolean;
  /** The site's goals: events that complete one are marked in the live feed. */
  goals?: Goal[];
  /** The site's content groups, for the value score (absent: the defaults). */
  contentGroups?: ContentGroupRule[];
  /** The site's spike alert (spike-alert.ts); absent or null: none. */
  spikeAlert?: SpikeAlertCall | null;
  events: EnrichedEvent[];
}

/** Who asks to watch: the site and this object's shard, as the Worker addresses it. */
export interface WatchCall {
  site: string;
  shard?: number;
  shards?: number;
  /** How long the watch lasts unless renewed (clamped to 5 s..WATCH_MAX_MS). */
  ttlMs?: number;
}

/** The names of the goals an event completes. */
function goalsOf(goals: readonly Goal[], e: EnrichedEvent): string[] {
  if (goals.length === 0 || (e.type !== 'custom' && e.type !== 'pageview')) return [];
  const candidate =
    e.type === 'custom'
      ? { type: e.type, path: e.url, name: e.name, props: e.props ?? null }
      : { type: e.type, path: e.url };
  return goals.filter((g) => goalMatches(g, candidate)).map((g) => g.name);
}

export interface SiteLiveStats {
  visitorsNow: number;
  /** `ingest` calls received (the Worker coalesces concurrent requests into one call). */
  calls: number;
  accepted: number;
  duplicates: number;
  bots: number;
  /** Events of beacons sent with Sec-GPC: 1 or DNT: 1, dropped unstored (privacy-signal.ts). */
  privacySignals: number;
  pendingEvents: number;
  outboxBatches: number;
  outboxEvents: number;
  overflowEvents: number;
  flushes: number;
  flushFailures: number;
  /** What the database refused for its content: counts by reason (see dead-letter.ts). */
  deadLetter: DeadLetterStats;
  /** Realtime broadcasts sent (only while watched). */
  pushes: number;
  pushFailures: number;
  /** Analytics Engine data points written (one per event a report needs). */
  points: number;
  /** Points not written because a call passed Analytics Engine's per-invocation limit. */
  pointsDropped: number;
  /** Alarm invocations (each a billed Durable Object request). */
  alarms: number;
  /** `watch` calls (dashboards opening or renewing). */
  watches: number;
  /** True while a watch is current. */
  watched: boolean;
  /**
   * Push timers and flushes over a second late (no flush running): the object is saturated
   * (calls queue ahead of its own timers and subrequests, so pushes and flushes stall). Add
   * live shards.
   */
  saturated: number;
}

/** Flush when this many events are pending, else at most a second after the first one. */
export const FLUSH_EVENTS = 500;
const FLUSH_BYTES = 512 * 1024;
const FLUSH_DELAY_MS = 1_000;
/**
 * Pushes per shard: the first change after a quiet spell goes out at once, then at most one
 * push per PUSH_INTERVAL_MS (≤ ~20 per second) while changes keep coming. 50 ms is the widest
 * window that keeps beacon → screen within 100 ms p95 under steady traffic (a change waits up
 * to the window, plus ~30 ms of delivery); docs/scaling.md prices it. Changes that only update
 * a present visitor's engaged time or score (heartbeats) wait up to LIVE_QUIET_PUSH_MS instead and
 * ride along with the next push: they are half the beacons and nobody watches them tick.
 */
const PUSH_INTERVAL_MS = 50;
/** LIVE_QUIET_PUSH_MS's default (wrangler.jsonc). */
const QUIET_PUSH_MS = 1_000;
const FULL_EVERY_MS = 5_000;
/** A watch lasts this long unless renewed (the dashboard renews every 30 s); at most WATCH_MAX_MS. */
export const WATCH_MS = 75_000;
const WATCH_MAX_MS = 300_000;
/**
 * The KV snapshot of a public site's count: written from the alarm (never on the beacon path)
 * when the count changed, at most every KV_SNAPSHOT_EVERY_MS, and refreshed every minute while
 * unchanged; it lives 5 minutes. KV allows one write per second per key.
 */
const KV_SNAPSHOT_TTL_S = 300;
const KV_SNAPSHOT_EVERY_MS = 10_000;
const KV_SNAPSHOT_REFRESH_MS = 60_000;
/** Unwatched, the live set is swept of silent visitors at most this often (memory only). */
const LIVE_SWEEP_EVERY_MS = 5_000;
/**
 * The storage key of the visitors present (as JSON), written at most once per flush alarm
 * (≤ 1 a second) after events changed it: an object nobody calls for a while is evicted (a small
 * site between two heartbeats), and the next instance restores them, so visitors-now stays exact.
 * Only a small set is stored (rewriting a large one every second would cost more storage writes
 * and CPU than the eviction it guards against): a site with more visitors is never idle long
 * enough to be evicted, and its stored set is dropped.
 */
const LIVE_KEY = 'live';
const LIVE_STORE_MAX = 200;
/** Characters of JSON (long page paths make a set large before it is many visitors). */
const LIVE_STORE_MAX_CHARS = 40_000;
const MAX_OUTBOX_EVENTS = 100_000;
/** Durable Object storage calls take at most 128 keys. */
const KEYS_PER_CALL = 128;
const MAX_CACHED = 20_000;
/** Session and visitor state idle this long is dropped from memory (kept in storage). */
const IDLE_MS = 30 * 60_000;
/** A timer or alarm this late means the object is saturated (see SiteLiveStats.saturated). */
const SATURATED_LATE_MS = 1_000;
const SATURATED_WARN_EVERY_MS = 60_000;
/** How often the alarm sweeps idle session and visitor states out of storage. */
const SWEEP_EVERY_MS = 3_600_000;

export class SiteLive extends DurableObject<Env> {
  readonly #dedup = new Dedup();
  readonly #live: LiveSet;
  readonly #outbox: Outbox;
  readonly #deadLetters: DeadLetterStore;
  readonly #spikeAlerts: SpikeAlerts;
  readonly #sessions = new Map<string, SessionState>();
  readonly #visitors = new Map<string, VisitorState>();
  #site = '';
  #shard = { shard: 0, shards: 1 };
  #timezone = 'UTC';
  #storeRaw = false;
  #stats = {
    calls: 0,
    accepted: 0,
    duplicates: 0,
    bots: 0,
    privacySignals: 0,
    flushes: 0,
    flushFailures: 0,
    pushes: 0,
    pushFailures: 0,
    points: 0,
    pointsDropped: 0,
    alarms: 0,
    watches: 0,
    saturated: 0,
  };
  #publicLive = false;
  /** Pushes happen while now < this (ms). */
  #watchedUntil = 0;
  #liveSweptAt = 0;
  #saturatedWarnedAt = -Infinity;
  #sweptAt = 0;
  #flushing: Promise<void> | null = null;
  #flushEndedAt = 0;
  #flushDueAt: number | null = null;
  #retryAt: number | null = null;
  #lastPushAt = 0;
  #lastFullAt = 0;
  #pushTimer: ReturnType<typeof setTimeout> | null = null;
  /** When the scheduled push is due (meaningful while #pushTimer is set). */
  #pushDue = 0;
  readonly #quietPushMs: number;
  #pushing = false;
  #snapshot = { count: -1, at: 0 };
  /** Scheduled alarm time; undefined until read from storage, null when none is set. */
  #alarmAt: number | null | undefined = undefined;
  /** Events changed the live set since it was last stored. */
  #liveUnsaved = false;
  #liveStored = false;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    // Unwatched until a dashboard calls `watch`: no change record, no pushes.
    this.#live = new LiveSet(Math.max(5, Number(env.LIVE_WINDOW_SECONDS) || 300) * 1000, false);
    this.#quietPushMs = Math.max(PUSH_INTERVAL_MS, Number(env.LIVE_QUIET_PUSH_MS) || QUIET_PUSH_MS);
    this.#outbox = new Outbox(ctx.storage, MAX_OUTBOX_EVENTS);
    this.#deadLetters = new DeadLetterStore(ctx.storage);
    this.#spikeAlerts = new SpikeAlerts(ctx.storage, env);
    void ctx.blockConcurrencyWhile(async () => {
      await this.#outbox.load();
      await this.#deadLetters.load();
      const site = await ctx.storage.get<string>('site');
      if (site) this.#site = site;
      const shard = await ctx.storage.get<{ shard: number; shards: number }>('shard');
      if (shard) this.#shard = shard;
      const live = await ctx.storage.get<unknown>(LIVE_KEY);
      if (typeof live === 'string') {
        this.#live.restore(JSON.parse(live) as LiveVisitor[], Date.now());
        this.#liveStored = true;
      }
    });
  }

  /**
   * Accepts a request window's enriched events: folds them into the session and visitor state,
   * writes their Analytics Engine points, records who is on the site, buffers them for Postgres.
   * Returns how many were not duplicates.
   */
  async ingest(call: IngestCall): Promise<number> {
    this.#stats.calls += 1;
    const now = Date.now();
    // A flush overdue, none running and none ended since: its alarm is starved by calls like this.
    const due = this.#flushDueAt;
    if (due !== null && this.#flushing === null && this.#flushEndedAt < due) this.#late(due, now);
    this.#remember(call);
    const fresh: EnrichedEvent[] = [];
    for (const e of call.events) {
      if (this.#dedup.first(e.id, e.receivedAt)) fresh.push(e);
      else this.#stats.duplicates += 1;
    }
    if (fresh.length === 0) return 0;
    const stored = await this.#load(fresh);
    // Everything this call changes, in one storage put (atomic, and one storage call).
    const writes: Record<string, unknown> = {};
    // The states this call touched, held here: the memory caches may drop them meanwhile.
    const sessions = new Map<string, SessionState>();
    const visitors = new Map<string, VisitorState>();
    const ae = this.env.EVENTS_AE as AnalyticsEngineDataset | undefined;
    let points = 0;
    for (const e of fresh) {
      let session = sessions.get(e.session) ?? this.#sessions.get(e.session);
      session ??= this.#upgrade(stored.get(`s:${e.session}`) as SessionState | undefined);
      const prior =
        visitors.get(e.visitor) ??
        this.#visitors.get(e.visitor) ??
        (stored.get(`v:${e.visitor}`) as VisitorState | undefined);
      const newSession = session === undefined;
      if (!session) {
        session = startSession(
          e,
          prior !== undefined && prior.last_session !== e.session,
          this.#timezone,
        );
        writes[indexKey('s', e.session, e.receivedAt)] = 1;
      }
      if (!prior) writes[indexKey('v', e.visitor, e.receivedAt)] = 1;
      const pageviewsBefore = session.pageviews;
      const rescore = foldEvent(session, e, call.contentGroups ?? DEFAULT_CONTENT_GROUPS);
      const visitor = foldVisitor(prior, session, e);
      const newVisitorDay = newSession && visitor.visitDayMs !== session.dayMs;
      if (newVisitorDay) visitor.visitDayMs = session.dayMs;
      let newScore: number | undefined;
      if (rescore) newScore = visitor.value_score = score(session, this.#timezone);
      this.#cache(this.#sessions, e.session, session);
      this.#cache(this.#visitors, e.visitor, visitor);
      this.#live.see(e, session, visitor.value_score, goalsOf(call.goals ?? [], e));
      sessions.set(session.session_id, session);
      visitors.set(visitor.visitor_id, visitor);
      const m = measure(e, session, {
        newSession,
        newVisitorDay,
        pageviewsBefore,
        score: newScore,
      });
      if (ae && needsDataPoint(e, m)) {
        if (points < AE_LIMITS.pointsPerInvocation) {
          ae.writeDataPoint(toDataPoint(e, pointSession(session), m));
          points++;
        } else this.#stats.pointsDropped += 1;
      }
    }
    this.#stats.accepted += fresh.length;
    this.#stats.points += points;
    this.#liveUnsaved = true;
    for (const [id, state] of sessions) writes[`s:${id}`] = state;
    for (const [id, state] of visitors) writes[`v:${id}`] = state;
    Object.assign(
      writes,
      this.#outbox.append({
        events: fresh.map(toIngestEvent),
        sessions: [...sessions.keys()],
        visitors: [...visitors.keys()],
      }),
    );
    this.#put(writes);
    if (now - this.#liveSweptAt >= LIVE_SWEEP_EVERY_MS) {
      this.#liveSweptAt = now;
      this.#live.sweep(now);
    }
    const count = this.#live.size;
    const alerting = this.#spikeAlerts.check(call.spikeAlert, call.site, count, this.#shard, now);
    if (alerting) this.ctx.waitUntil(alerting);
    this.#schedulePush();
    const meta = this.#outbox.meta;
    if (meta.pendingEvents >= FLUSH_EVENTS || meta.pendingBytes >= FLUSH_BYTES)
      this.ctx.waitUntil(this.flush());
    else await this.#ensureAlarm(now + FLUSH_DELAY_MS, 'flush');
    return fresh.length;
  }

  /**
   * A dashboard watches this site's live layer until now + ttl (it renews while open): pushes
   * flow while any watch is current, and stop, with their alarm, once none is. Returns a full
   * snapshot for the new watcher at once, outside the sequence (see LiveSet.snapshot).
   */
  async watch(call: WatchCall): Promise<LiveMessage> {
    this.#stats.watches += 1;
    const now = Date.now();
    if (!this.#site && call.site) {
      this.#site = call.site;
      void this.ctx.storage.put('site', call.site);
    }
    this.#rememberShard(call.shard ?? 0, call.shards ?? 1);
    const ttl = Math.min(WATCH_MAX_MS, Math.max(5_000, call.ttlMs ?? WATCH_MS));
    this.#live.sweep(now);
    if (!this.#watched(now)) {
      this.#live.record(true);
      // The snapshot below is this watcher's full message; the others get one within 5 s.
      this.#lastFullAt = now;
    }
    this.#watchedUntil = Math.max(this.#watchedUntil, now + ttl);
    const message = this.#live.snapshot(this.#site, now);
    if (this.#shard.shards > 1) Object.assign(message, this.#shard);
    const dead = this.#deadLetters.stats;
    if (dead.entries > 0) message.deadLettered = { events: dead.events, entries: dead.entries };
    await this.#ensureAlarm(Math.min(now + FULL_EVERY_MS, this.#watchedUntil), 'tick');
    return message;
  }

  #watched(now: number): boolean {
    return now < this.#watchedUntil;
  }

  /** One storage `get` for the states of `events` not in memory (at most 128 keys a call). */
  async #load(events: EnrichedEvent[]): Promise<Map<string, unknown>> {
    const keys = new Set<string>();
    for (const e of events) {
      if (!this.#sessions.has(e.session)) keys.add(`s:${e.session}`);
      if (!this.#visitors.has(e.visitor)) keys.add(`v:${e.visitor}`);
    }
    if (keys.size === 0) return new Map();
    const list = [...keys];
    if (list.length <= KEYS_PER_CALL) return this.ctx.storage.get(list);
    const found = new Map<string, unknown>();
    for (let i = 0; i < list.length; i += KEYS_PER_CALL)
      for (const [k, v] of await this.ctx.storage.get(list.slice(i, i + KEYS_PER_CALL)))
        found.set(k, v);
    return found;
  }

  /** Puts `entries` (at most 128 keys a call); no await between calls: one atomic write. */
  #put(entries: Record<string, unknown>): void {
    const keys = Object.keys(entries);
    if (keys.length <= KEYS_PER_CALL) {
      void this.ctx.storage.put(entries);
      return;
    }
    for (let i = 0; i < keys.length; i += KEYS_PER_CALL) {
      const part: Record<string, unknown> = {};
      for (const k of keys.slice(i, i + KEYS_PER_CALL)) part[k] = entries[k];
      void this.ctx.storage.put(part);
    }
  }

  /** A session state stored by an earlier version lacks the Analytics Engine fields: add them. */
  #upgrade(s: SessionState | undefined): SessionState | undefined {
    if (!s || s.pageKeys !== undefined) return s;
    s.hourMs = localHourStart(s.startedAtMs, this.#timezone);
    s.dayMs = localDayStart(s.startedAtMs, this.#timezone);
    s.pageKeys = [];
    s.eventKeys = [];
    s.scoreSent = 0;
    return s;
  }

  /**
   * Drops session states idle for a day and visitor states idle past the visitor id's life
   * (state-sweep.ts); the alarm runs it hourly, a bounded slice each time. Returns the counts.
   */
  async sweepState(now = Date.now()): Promise<{ sessions: number; visitors: number }> {
    this.#sweptAt = now;
    const storage = this.ctx.storage;
    return {
      sessions: await sweepStates(storage, 's', SESSION_KEEP_MS, now, this.#sessions),
      visitors: await sweepStates(storage, 'v', VISITOR_KEEP_MS, now, this.#visitors),
    };
  }

  /** Counts events dropped for a visitor's privacy signal; nothing else of them is kept. */
  countPrivacySignals(events: number): void {
    this.#stats.privacySignals += events;
  }

  /** Counts bot traffic separately; none of it becomes a visit. */
  countBots(events: number): void {
    this.#stats.bots += events;
  }

  stats(): SiteLiveStats {
    const m = this.#outbox.meta;
    return {
      visitorsNow: this.#live.size,
      ...this.#stats,
      watched: this.#watched(Date.now()),
      deadLetter: this.#deadLetters.stats,
      pendingEvents: m.pendingEvents,
      outboxBatches: m.outboxBatches,
      outboxEvents: m.outboxEvents,
      overflowEvents: m.overflowEvents,
    };
  }

  /**
   * The exact count now, for a member's live count of a site that keeps no KV snapshot (only
   * public sites do): silent visitors leave first.
   */
  visitorsNow(now = Date.now()): { visitorsNow: number; at: number } {
    this.#live.sweep(now);
    return { visitorsNow: this.#live.size, at: now };
  }

  /** The newest dead-lettered entries, summarised (ids and reasons, no paths or places). */
  deadLetters(limit = 20): Promise<DeadLetterSummary[]> {
    return this.#deadLetters.recent(Math.min(Math.max(1, limit), 100));
  }

  /** Seals pending events into one batch and delivers every sealed batch (one RPC each). */
  flush(): Promise<void> {
    this.#flushing ??= this.#flushOnce().finally(() => {
      this.#flushing = null;
      this.#flushEndedAt = Date.now();
    });
    return this.#flushing;
  }

  /** Ends the back-off and flushes now (operators after an outage; tests). */
  async retryNow(): Promise<void> {
    this.#retryAt = null;
    await this.flush();
  }

  override async alarm(): Promise<void> {
    // Not a saturation signal: an alarm also waits for the previous one's flush (after an outage
    // that flush replays the whole backlog).
    this.#alarmAt = null;
    this.#stats.alarms += 1;
    const now = Date.now();
    this.#live.sweep(now);
    this.#liveSweptAt = now;
    if (this.#watched(now)) {
      if (this.#live.dirty || now - this.#lastFullAt >= FULL_EVERY_MS) this.#schedulePush();
    } else if (this.#live.recording) {
      // The last watch lapsed: no more pushes, and no change record kept for them.
      this.#live.record(false);
    }
    if (this.#publicLive) this.ctx.waitUntil(this.#writeSnapshot(this.#live.size, now));
    const m = this.#outbox.meta;
    // After a restart the due times are gone but the stored alarm and buffer are not.
    const flushDue = m.pendingEvents > 0 && (this.#flushDueAt ?? 0) <= now;
    const retryDue = m.outboxBatches > 0 && (this.#retryAt ?? 0) <= now;
    if (flushDue || retryDue) await this.flush();
    this.#storeLive();
    if (now - this.#sweptAt >= SWEEP_EVERY_MS) await this.sweepState(now);
    await this.#rearm(now);
  }

  async #flushOnce(): Promise<void> {
    this.#flushDueAt = null;
    const backingOff = this.#retryAt !== null && this.#retryAt > Date.now();
    // While backing off, keep pending events as they are until they make a full batch: fewer,
    // larger batches to replay when Postgres is back.
    const seal = () => this.#outbox.seal(this.#storeRaw, (s, v) => this.#rows(s, v));
    if (!backingOff) await seal();
    // Whatever a capped batch left behind, in full batches (while backing off: only those).
    while (this.#outbox.meta.pendingEvents >= FLUSH_EVENTS) await seal();
    if (backingOff) return;
    const ok = await this.#outbox.deliver((batch) => this.#send(batch), this.#deadLetters);
    this.#retryAt = ok ? null : Date.now() + this.#outbox.retryDelayMs();
    if (this.#retryAt !== null) await this.#ensureAlarm(this.#retryAt, 'retry');
  }

  /** Null when the batch was applied, else why not (retry it, or split it: flush-failure.ts). */
  async #send(batch: IngestBatch): Promise<FlushFailure | null> {
    this.#stats.flushes += 1;
    let failure: FlushFailure | null = null;
    try {
      // The compact wire form: a third of the JSON, and Postgres parses it ~3x faster. Stored
      // batches stay in the object form (the database takes both).
      const { error, status } = await postgrest(this.env).rpc('ingest_batch', {
        payload: toIngestWire(batch),
      });
      if (error)
        failure = classifyFlushFailure({ status, code: error.code, message: error.message });
    } catch (cause) {
      const message = cause instanceof Error ? cause.message : String(cause);
      failure = classifyFlushFailure({ status: 0, message });
    }
    if (!failure) return null;
    this.#stats.flushFailures += 1;
    console.warn(
      failure.kind === 'retry'
        ? `SiteLive ${this.#site}: ingest_batch ${batch.batch_id} failed (${failure.reason}: ${failure.message}); will retry`
        : `SiteLive ${this.#site}: ingest_batch ${batch.batch_id} refused (${failure.reason}: ${failure.message}); ${batch.events.length} events, isolating what the database refuses`,
    );
    return failure;
  }

  async #rows(
    sessionIds: Set<string>,
    visitorIds: Set<string>,
  ): Promise<{ sessions: IngestSession[]; visitors: IngestVisitor[] }> {
    const sessions: IngestSession[] = [];
    const visitors: IngestVisitor[] = [];
    for (const id of sessionIds) {
      const s = this.#sessions.get(id) ?? (await this.ctx.storage.get<SessionState>(`s:${id}`));
      if (s) sessions.push(sessionRow(s));
    }
    for (const id of visitorIds) {
      const v = this.#visitors.get(id) ?? (await this.ctx.storage.get<VisitorState>(`v:${id}`));
      if (v) visitors.push(visitorRow(v));
    }
    return { sessions, visitors };
  }

  #remember(call: IngestCall): void {
    if (this.#site !== call.site) {
      this.#site = call.site;
      void this.ctx.storage.put('site', call.site);
    }
    this.#rememberShard(call.shard ?? 0, call.shards ?? 1);
    this.#timezone = call.timezone || 'UTC';
    this.#storeRaw = call.storeRaw;
    this.#publicLive = call.publicLive === true;
  }

  /** Bounded memory: past MAX_CACHED, idle entries go first, then the oldest, down to 90 %. */
  #cache<T extends { lastSeenMs: number }>(map: Map<string, T>, id: string, value: T): void {
    map.set(id, value);
    if (map.size <= MAX_CACHED) return;
    const cutoff = Date.now() - IDLE_MS;
    for (const [key, v] of map) if (v.lastSeenMs < cutoff) map.delete(key);
    // Storage keeps every entry; a later event reloads what memory dropped.
    for (const key of map.keys()) {
      if (map.size <= MAX_CACHED * 0.9) break;
      if (key !== id) map.delete(key);
    }
  }

  /**
   * While watched: push at once when idle, otherwise coalesce into one push per
   * PUSH_INTERVAL_MS, or per LIVE_QUIET_PUSH_MS while the changes are not urgent (an urgent change
   * brings a later scheduled push forward). Unwatched: nothing (an unwatched site sends no
   * Realtime message).
   */
  #schedulePush(): void {
    if (this.#pushing || !this.#watched(Date.now())) return;
    const due =
      this.#lastPushAt +
      (this.#live.urgent || !this.#live.dirty ? PUSH_INTERVAL_MS : this.#quietPushMs);
    if (this.#pushTimer !== null) {
      if (this.#pushDue <= due) return;
      clearTimeout(this.#pushTimer);
      this.#pushTimer = null;
    }
    const wait = due - Date.now();
    if (wait <= 0) {
      this.ctx.waitUntil(this.#push());
      return;
    }
    this.#pushDue = due;
    this.#pushTimer = setTimeout(() => {
      this.#late(due, Date.now());
      this.#pushTimer = null;
      this.ctx.waitUntil(this.#push());
    }, wait);
  }

  async #push(): Promise<void> {
    const now = Date.now();
    if (!this.#site || !this.#watched(now)) return;
    this.#pushing = true;
    this.#lastPushAt = now;
    const full = now - this.#lastFullAt >= FULL_EVERY_MS;
    if (full) this.#lastFullAt = now;
    const message = this.#live.message(this.#site, full, now);
    if (this.#shard.shards > 1) Object.assign(message, this.#shard);
    const dead = this.#deadLetters.stats;
    if (full && dead.entries > 0)
      message.deadLettered = { events: dead.events, entries: dead.entries };
    try {
      this.#stats.pushes += 1;
      if (!(await broadcast(this.env, message))) this.#stats.pushFailures += 1;
    } finally {
      this.#pushing = false;
    }
    if (this.#live.dirty) this.#schedulePush();
    await this.#ensureAlarm(Math.min(now + FULL_EVERY_MS, this.#watchedUntil), 'tick');
  }

  /**
   * Measured on one object driven by 16 concurrent callers: its timers ran 2–3 s late and its
   * broadcasts took up to 3 s, so pushes and flushes nearly stopped. Counted, and logged once a
   * minute, so an operator sees it before the dashboard does.
   */
  #late(dueAt: number, now: number): void {
    const late = now - dueAt;
    if (late < SATURATED_LATE_MS) return;
    this.#stats.saturated += 1;
    if (now - this.#saturatedWarnedAt < SATURATED_WARN_EVERY_MS) return;
    this.#saturatedWarnedAt = now;
    console.warn(
      `SiteLive ${this.#site}: saturated (a timer ran ${late} ms late); give this site more live shards (LIVE_SHARDS)`,
    );
  }

  /** Stores the live set if events changed it (see LIVE_KEY). */
  #storeLive(): void {
    if (!this.#liveUnsaved) return;
    this.#liveUnsaved = false;
    const json = this.#live.size <= LIVE_STORE_MAX ? JSON.stringify(this.#live.visitors()) : '';
    if (json && json.length <= LIVE_STORE_MAX_CHARS) {
      void this.ctx.storage.put(LIVE_KEY, json);
      this.#liveStored = true;
    } else if (this.#liveStored) {
      void this.ctx.storage.delete(LIVE_KEY);
      this.#liveStored = false;
    }
  }

  #rememberShard(shard: number, shards: number): void {
    if (this.#shard.shard !== shard || this.#shard.shards !== shards) {
      this.#shard = { shard, shards };
      void this.ctx.storage.put('shard', this.#shard);
    }
  }

  async #writeSnapshot(count: number, now: number): Promise<void> {
    if (count === this.#snapshot.count && now - this.#snapshot.at < KV_SNAPSHOT_REFRESH_MS) return;
    if (now - this.#snapshot.at < KV_SNAPSHOT_EVERY_MS) return;
    this.#snapshot = { count, at: now };
    try {
      await this.env.SITES_KV.put(
        liveSnapshotKey(this.#site, this.#shard.shard),
        JSON.stringify({ visitorsNow: count, at: now }),
        {
          expirationTtl: KV_SNAPSHOT_TTL_S,
        },
      );
    } catch (error) {
      console.warn(`SiteLive ${this.#site}: live snapshot write failed`, error);
    }
  }

  async #ensureAlarm(at: number, reason: 'flush' | 'retry' | 'tick'): Promise<void> {
    if (reason === 'flush') this.#flushDueAt ??= at;
    // The alarm time is mirrored in memory so the hot path costs no storage call.
    if (this.#alarmAt === undefined) this.#alarmAt = await this.ctx.storage.getAlarm();
    if (this.#alarmAt === null || this.#alarmAt > at) {
      this.#alarmAt = at;
      await this.ctx.storage.setAlarm(at);
    }
  }

  async #rearm(now: number): Promise<void> {
    const times: number[] = [];
    if (this.#outbox.meta.pendingEvents > 0) times.push(this.#flushDueAt ?? now + FLUSH_DELAY_MS);
    if (this.#retryAt !== null) times.push(this.#retryAt);
    const next = this.#live.sweep(now);
    // Watched: a full snapshot every 5 s and each departure at once, until the watch lapses.
    if (this.#watched(now))
      times.push(Math.min(now + FULL_EVERY_MS, next ?? Infinity, this.#watchedUntil));
    // Public: the KV count follows departures too, while there is a count to keep.
    if (this.#publicLive && (this.#live.size > 0 || this.#snapshot.count > 0))
      times.push(
        Math.max(
          now + KV_SNAPSHOT_EVERY_MS,
          Math.min(next ?? Infinity, now + KV_SNAPSHOT_REFRESH_MS),
        ),
      );
    if (times.length > 0) await this.#ensureAlarm(Math.max(now + 1, Math.min(...times)), 'tick');
  }
}
