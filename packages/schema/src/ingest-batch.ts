/**
 * The payload of `ingest_batch(payload jsonb)`: what the SiteLive Durable Object flushes to
 * Postgres in ONE RPC. snake_case because Postgres reads it (`jsonb_to_recordset`).
 *
 * Idempotency and ordering rules the database relies on:
 * - `batch_id` is unique per flush; applying the same batch twice changes nothing.
 * - `sessions[]` carry RUNNING TOTALS for the session (not deltas): the database merges them with
 *   GREATEST, and feeds visitor counters and rollups with the difference it actually applied, so
 *   late, reordered or repeated states never move a value backwards or count twice.
 * - `events[]` carry accepted events (validated, bot-free, deduplicated by the Worker); their ids
 *   are unique per site, so a replayed event is ignored by the raw store.
 * Timestamps are ISO 8601 strings in UTC.
 */
import type { DeviceType, ReferrerClass } from './enriched.js';
import type { EventType, PropValue } from './events.js';

/** Geo and client facts shared by events, sessions and visitors. */
export interface IngestContext {
  country: string;
  region: string;
  city: string;
  latitude: number | null;
  longitude: number | null;
  device: DeviceType;
  browser: string;
  os: string;
}

/** One accepted event (feeds rollups, and the raw `events` table when `store_raw`). */
export interface IngestEvent extends IngestContext {
  id: string;
  site_id: string;
  type: EventType;
  /** Worker receive time (what reports bucket by). */
  at: string;
  session_id: string;
  visitor_id: string;
  path: string;
  referrer_host: string;
  referrer_class: ReferrerClass;
  utm_source: string;
  utm_medium: string;
  utm_campaign: string;
  /** custom: event name; outbound/download: target URL; otherwise ''. */
  name: string;
  props: Record<string, PropValue> | null;
  /** heartbeat fields, 0 otherwise. */
  engaged_ms: number;
  scroll: number;
  interactions: number;
}

/** A session's state so far: running totals, merged monotonically. */
export interface IngestSession extends IngestContext {
  site_id: string;
  session_id: string;
  visitor_id: string;
  started_at: string;
  last_seen: string;
  entry_path: string;
  exit_path: string;
  pageviews: number;
  engaged_ms: number;
  max_scroll: number;
  interactions: number;
  referrer_host: string;
  referrer_class: ReferrerClass;
  utm_source: string;
  utm_medium: string;
  utm_campaign: string;
  /** The visitor had been seen before this session. */
  returning: boolean;
}

/** A visitor's latest state. Counters are derived in the database from its sessions. */
export interface IngestVisitor extends IngestContext {
  site_id: string;
  visitor_id: string;
  first_seen: string;
  last_seen: string;
  last_path: string;
  /** Value score 0..100 (see `@sightline/schema/value-score`). */
  value_score: number;
  first_referrer_host: string;
  first_referrer_class: ReferrerClass;
  utm_source: string;
  utm_medium: string;
  utm_campaign: string;
}

export interface IngestBatch {
  batch_id: string;
  /** Also insert `events` into the raw store (local and self-hosted; production uses AE). */
  store_raw: boolean;
  events: IngestEvent[];
  sessions: IngestSession[];
  visitors: IngestVisitor[];
}

/** What `ingest_batch` returns. `duplicate` is true when the batch id had been applied before. */
export interface IngestBatchResult {
  batch_id: string;
  duplicate: boolean;
  events: number;
  sessions: number;
  visitors: number;
}
