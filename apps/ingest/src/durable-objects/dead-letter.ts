/**
 * The dead-letter store of a SiteLive object: what the database refuses for its content, one
 * entry per smallest part of a flush that still fails (usually one event with its session and
 * visitor rows), with the reason. Kept in Durable Object storage (`d:<seq>`), bounded to the
 * newest MAX_DEAD_LETTERS entries; the counts (events and entries by reason, entries whose
 * content was dropped past the bound) are kept for good and shown by `stats()`, the live
 * messages and `GET /v1/health/sites/:id`. Nothing leaves the pipeline without being counted.
 */
import type { IngestBatch } from '@sightline/schema';
import type { FlushFailure } from './flush-failure.js';

/** About 2 KB an entry (one event and its rows): a few MB of storage at most. */
export const MAX_DEAD_LETTERS = 1_000;

export interface DeadLetter extends IngestBatch {
  at: number;
  reason: string;
  message: string;
}

export interface DeadLetterStats {
  /** Events dead-lettered, all time. */
  events: number;
  /** Entries (parts of flushes), all time; an entry may hold only session or visitor rows. */
  entries: number;
  /** Entries whose content was dropped to keep the store bounded (their counts stay). */
  dropped: number;
  /** Events and entries by reason (SQLSTATE, PostgREST code or `http_<status>`). */
  reasons: Record<string, { events: number; entries: number }>;
}

interface Meta extends DeadLetterStats {
  seq: number;
  kept: number;
}

const META = 'dmeta';
const key = (seq: number) => `d:${String(seq).padStart(12, '0')}`;

/** A short view of an entry, for health checks and logs (no paths or places). */
export interface DeadLetterSummary {
  batch_id: string;
  at: number;
  reason: string;
  message: string;
  events: string[];
  sessions: number;
  visitors: number;
}

export class DeadLetterStore {
  readonly #storage: DurableObjectStorage;
  readonly #max: number;
  #meta: Meta = { seq: 0, kept: 0, events: 0, entries: 0, dropped: 0, reasons: {} };

  constructor(storage: DurableObjectStorage, max = MAX_DEAD_LETTERS) {
    this.#storage = storage;
    this.#max = max;
  }

  async load(): Promise<void> {
    const meta = await this.#storage.get<Meta>(META);
    if (meta) this.#meta = meta;
  }

  get stats(): DeadLetterStats {
    const { events, entries, dropped, reasons } = this.#meta;
    return { events, entries, dropped, reasons: structuredClone(reasons) };
  }

  /**
   * Queues the entry's writes without awaiting them: the runtime commits them atomically with
   * the caller's next awaited write (the outbox deleting the batch).
   */
  add(batch: IngestBatch, failure: FlushFailure, at = Date.now()): void {
    const m = this.#meta;
    m.seq += 1;
    m.kept += 1;
    m.entries += 1;
    m.events += batch.events.length;
    const reason = (m.reasons[failure.reason] ??= { events: 0, entries: 0 });
    reason.events += batch.events.length;
    reason.entries += 1;
    const entry: DeadLetter = { ...batch, at, reason: failure.reason, message: failure.message };
    void this.#storage.put(key(m.seq), entry);
    if (m.kept > this.#max) {
      void this.#storage.delete(key(m.seq - this.#max));
      m.kept = this.#max;
      m.dropped += 1;
    }
    void this.#storage.put(META, m);
    console.warn(
      `SiteLive: dead-lettered ${batch.batch_id} (${failure.reason}: ${failure.message}): ${batch.events.length} events, ${batch.sessions.length} sessions, ${batch.visitors.length} visitors; ${m.events} events in all`,
    );
  }

  /** The newest entries first, summarised. */
  async recent(limit = 20): Promise<DeadLetterSummary[]> {
    const entries = await this.#storage.list<DeadLetter>({ prefix: 'd:', reverse: true, limit });
    return [...entries.values()].map((d) => ({
      batch_id: d.batch_id,
      at: d.at,
      reason: d.reason,
      message: d.message,
      events: d.events.map((e) => e.id),
      sessions: d.sessions.length,
      visitors: d.visitors.length,
    }));
  }
}
