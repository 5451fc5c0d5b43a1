/**
 * The Durable Object's write-ahead buffer for Postgres. Accepted events are appended to storage
 * as chunks (`p:<seq>`) before the Worker's call returns; a flush seals all pending chunks into
 * ONE `ingest_batch` payload (`b:<seq>`, with a fresh batch id) and sends it. A failed send
 * leaves the batch in storage, to be retried later with the SAME batch id (the database applies
 * a batch id once). A batch the database refuses for its content (see flush-failure.ts) is
 * split in place (`b:<seq>.0`, `b:<seq>.1`, which sort before the next batch) until the parts
 * that fail are single events, which go to the dead-letter store: one bad row never holds up
 * the rows after it. The buffer is bounded: events beyond the bound are counted as overflow and
 * reported, never silently dropped — their sessions' running totals still reach the database.
 */
import type { IngestBatch, IngestEvent, IngestSession, IngestVisitor } from '@sightline/schema';
import { splitBatch } from './batch-split.js';
import type { DeadLetterStore } from './dead-letter.js';
import type { FlushFailure } from './flush-failure.js';

interface Chunk {
  events: IngestEvent[];
  sessions: string[];
  visitors: string[];
  /** Size estimate of `events` (UTF-16 units of their JSON). */
  bytes?: number;
}

/** A sealed batch stays far below Durable Object storage's per-value limit (2 MB). */
const MAX_BATCH_EVENTS = 1_000;
const MAX_BATCH_BYTES = 768 * 1024;

export interface OutboxMeta {
  seq: number;
  pendingEvents: number;
  pendingBytes: number;
  outboxBatches: number;
  outboxEvents: number;
  overflowEvents: number;
  failures: number;
}

const META = 'meta';
const key = (prefix: 'p' | 'b', seq: number) => `${prefix}:${String(seq).padStart(12, '0')}`;
/** DO storage calls take at most 128 keys. */
const KEYS_PER_CALL = 128;

export class Outbox {
  readonly #storage: DurableObjectStorage;
  readonly #maxEvents: number;
  meta: OutboxMeta = {
    seq: 0,
    pendingEvents: 0,
    pendingBytes: 0,
    outboxBatches: 0,
    outboxEvents: 0,
    overflowEvents: 0,
    failures: 0,
  };

  constructor(storage: DurableObjectStorage, maxEvents: number) {
    this.#storage = storage;
    this.#maxEvents = maxEvents;
  }

  async load(): Promise<void> {
    const meta = await this.#storage.get<OutboxMeta>(META);
    if (meta) this.meta = { ...this.meta, ...meta };
  }

  /**
   * Appends accepted events and the ids of the sessions/visitors they touched: returns the
   * storage entries to put, which the caller writes in the same put as the states they changed
   * (one storage call, committed atomically with them).
   */
  append(chunk: Chunk): Record<string, unknown> {
    const m = this.meta;
    m.seq += 1;
    m.pendingEvents += chunk.events.length;
    chunk.bytes = JSON.stringify(chunk.events).length;
    m.pendingBytes += chunk.bytes;
    return { [key('p', m.seq)]: chunk, [META]: m };
  }

  /**
   * Turns pending chunks, oldest first, into one sealed batch of at most MAX_BATCH_EVENTS events
   * (call again while `meta.pendingEvents` stays high). `rows` supplies the current running
   * totals of the sessions and visitors the chunks touched.
   */
  async seal(
    storeRaw: boolean,
    rows: (
      sessions: Set<string>,
      visitors: Set<string>,
    ) => Promise<{ sessions: IngestSession[]; visitors: IngestVisitor[] }>,
  ): Promise<void> {
    const chunks = await this.#storage.list<Chunk>({ prefix: 'p:', limit: MAX_BATCH_EVENTS });
    if (chunks.size === 0) return;
    let events: IngestEvent[] = [];
    let bytes = 0;
    const sessions = new Set<string>();
    const visitors = new Set<string>();
    const keys: string[] = [];
    for (const [chunkKey, chunk] of chunks) {
      if (
        keys.length > 0 &&
        (events.length + chunk.events.length > MAX_BATCH_EVENTS || bytes >= MAX_BATCH_BYTES)
      )
        break;
      keys.push(chunkKey);
      bytes += chunk.bytes ?? 0;
      for (const e of chunk.events) events.push(e);
      for (const id of chunk.sessions) sessions.add(id);
      for (const id of chunk.visitors) visitors.add(id);
    }
    const m = this.meta;
    const sealedEvents = events.length;
    if (m.outboxEvents + events.length > this.#maxEvents) {
      m.overflowEvents += events.length;
      console.warn(
        `SiteLive: outbox full, ${events.length} events overflowed (${m.overflowEvents} in total)`,
      );
      events = [];
    }
    const totals = await rows(sessions, visitors);
    const batch: IngestBatch = {
      batch_id: crypto.randomUUID(),
      store_raw: storeRaw,
      events,
      ...totals,
    };
    m.seq += 1;
    m.pendingEvents = Math.max(0, m.pendingEvents - sealedEvents);
    m.pendingBytes = Math.max(0, m.pendingBytes - bytes);
    m.outboxBatches += 1;
    m.outboxEvents += events.length;
    for (let i = 0; i < keys.length; i += KEYS_PER_CALL)
      void this.#storage.delete(keys.slice(i, i + KEYS_PER_CALL));
    void this.#storage.put(key('b', m.seq), batch);
    await this.#storage.put(META, m);
  }

  /**
   * Sends sealed batches oldest first. A batch refused for its content is split, or, when it
   * cannot be split further, moved to `deadLetters`; delivery goes on with the next. Returns
   * false when a send failed in a way worth retrying (the batch stays for the retry).
   */
  async deliver(
    send: (batch: IngestBatch) => Promise<FlushFailure | null>,
    deadLetters: DeadLetterStore,
  ): Promise<boolean> {
    for (;;) {
      const next = await this.#storage.list<IngestBatch>({ prefix: 'b:', limit: 1 });
      const [entry] = next;
      if (!entry) return true;
      const [batchKey, batch] = entry;
      const failure = await send(batch);
      const m = this.meta;
      if (failure?.kind === 'retry') {
        m.failures += 1;
        await this.#storage.put(META, m);
        return false;
      }
      // Delivered or refused for good: the database answered, so the back-off ends.
      m.failures = 0;
      const halves = failure ? splitBatch(batch) : null;
      if (halves) {
        // No await between the writes: the parts replace the batch atomically.
        void this.#storage.put(`${batchKey}.0`, halves[0]);
        void this.#storage.put(`${batchKey}.1`, halves[1]);
        m.outboxBatches += 1;
      } else {
        if (failure) deadLetters.add(batch, failure);
        m.outboxBatches = Math.max(0, m.outboxBatches - 1);
        m.outboxEvents = Math.max(0, m.outboxEvents - batch.events.length);
      }
      void this.#storage.delete(batchKey);
      await this.#storage.put(META, m);
    }
  }

  /** Back-off before the next retry: 1 s doubling to 60 s. */
  retryDelayMs(): number {
    return Math.min(60_000, 1_000 * 2 ** Math.max(0, this.meta.failures - 1));
  }
}
