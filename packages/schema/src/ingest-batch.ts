/**
 * The payload of `ingest_batch(payload jsonb)`: what the SiteLive Durable Object flushes to
 * Postgres in ONE RPC (and keeps in its outbox until then). snake_case because Postgres reads
 * it. On the wire the Worker sends it in the compact form {@link IngestWire} (see
 * {@link toIngestWire}); the database takes both.
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

/** Revenue of a custom event: an amount in the currency's major unit and its ISO 4217 code. */
export interface IngestRevenue {
  amount: number;
  currency: string;
}

/** A `vitals` event's metrics (ms; CLS unitless); a metric the browser did not report is null. */
export interface IngestVitals {
  lcp: number | null;
  inp: number | null;
  cls: number | null;
  ttfb: number | null;
  fcp: number | null;
}

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
  /** The page: its path (the Worker split the query string off; see docs/ingest.md). */
  path: string;
  referrer_host: string;
  referrer_class: ReferrerClass;
  utm_source: string;
  utm_medium: string;
  utm_campaign: string;
  /** custom: event name; outbound/download: target URL (no query string); otherwise ''. */
  name: string;
  props: Record<string, PropValue> | null;
  /** heartbeat fields, 0 otherwise. */
  engaged_ms: number;
  /** heartbeat: deepest scroll of the page view, percent; null when not measured (or not a heartbeat). */
  scroll: number | null;
  interactions: number;
  /** custom: the payment it stands for, if any. */
  revenue?: IngestRevenue | null;
  /** vitals: the page load's metrics. */
  vitals?: IngestVitals | null;
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
  /** Absent from senders older than these dimensions: ''. */
  utm_term?: string;
  utm_content?: string;
  /** The click-id parameter the landing page carried (`gclid`, ...), by name; '' when none. */
  click_id?: string;
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

/**
 * The compact wire form of an {@link IngestBatch}: what the Worker sends to `ingest_batch`
 * (`v: 2`). One site per flush; every row a positional array; timestamps as epoch
 * microseconds; an event's session context (session, visitor, source, place, client) is its
 * session row's when the event names that row by index and carries no context of its own. About
 * a third of the object form's JSON, and Postgres turns it into jsonb about four times faster
 * (every call pays that conversion before the function runs). `ingest_batch` accepts both
 * forms; the positions below are the ones `supabase/schemas/11_ingest_wire_rows.sql` reads.
 */
export interface IngestWire {
  v: 2;
  batch_id: string;
  site_id: string;
  store_raw: boolean;
  sessions: IngestWireSession[];
  visitors: IngestWireVisitor[];
  events: IngestWireEvent[];
}

/** The context an event shares with its session (the first 15 positions of a session row). */
export type IngestWireContext = [
  session_id: string,
  visitor_id: string,
  referrer_host: string,
  referrer_class: ReferrerClass,
  utm_source: string,
  utm_medium: string,
  utm_campaign: string,
  country: string,
  region: string,
  city: string,
  latitude: number | null,
  longitude: number | null,
  device: DeviceType,
  browser: string,
  os: string,
];

export type IngestWireSession = [
  ...context: IngestWireContext,
  started_at: number,
  last_seen: number,
  entry_path: string,
  exit_path: string,
  pageviews: number,
  engaged_ms: number,
  max_scroll: number,
  interactions: number,
  returning: boolean,
  // Appended after the first wire form: a database reads them as '' when a Worker leaves them out.
  utm_term: string,
  utm_content: string,
  click_id: string,
];

export type IngestWireVisitor = [
  visitor_id: string,
  first_seen: number,
  last_seen: number,
  last_path: string,
  value_score: number,
  first_referrer_host: string,
  first_referrer_class: ReferrerClass,
  utm_source: string,
  utm_medium: string,
  utm_campaign: string,
  country: string,
  region: string,
  city: string,
  latitude: number | null,
  longitude: number | null,
  device: DeviceType,
  browser: string,
  os: string,
];

type IngestWireEventFields = [
  id: string,
  type: EventType,
  at: number,
  /** Index of the event's session in `sessions`, -1 when the flush carries none. */
  session: number,
  path: string,
  name: string,
  props: Record<string, PropValue> | null,
  engaged_ms: number,
  scroll: number | null,
  interactions: number,
];

/** Revenue amount and currency, and the vitals `[lcp, inp, cls, ttfb, fcp]`, when the event has them. */
type IngestWireEventExtras = [
  revenue_amount: number | null,
  revenue_currency: string | null,
  vitals: [number | null, number | null, number | null, number | null, number | null] | null,
];

/**
 * Without context when it equals its session row's; with it otherwise (null when the event has
 * extras but its session row's context).
 */
export type IngestWireEvent =
  | IngestWireEventFields
  | [...IngestWireEventFields, IngestWireContext]
  | [...IngestWireEventFields, IngestWireContext | null, ...IngestWireEventExtras];

const micros = (iso: string): number => Date.parse(iso) * 1000;
const iso = (us: number): string => new Date(us / 1000).toISOString();

/** The names of an {@link IngestWireContext}'s positions, in order. */
const CONTEXT_KEYS = [
  'session_id',
  'visitor_id',
  'referrer_host',
  'referrer_class',
  'utm_source',
  'utm_medium',
  'utm_campaign',
  'country',
  'region',
  'city',
  'latitude',
  'longitude',
  'device',
  'browser',
  'os',
] as const satisfies readonly (keyof IngestEvent & keyof IngestSession)[];

type ContextFields = Pick<IngestSession, (typeof CONTEXT_KEYS)[number]>;

function contextOf(r: IngestEvent | IngestSession): IngestWireContext {
  return CONTEXT_KEYS.map((key) => r[key]) as IngestWireContext;
}

function sameContext(a: IngestWireContext, b: IngestWireContext): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The wire form of a flush, or the flush itself when its rows belong to several sites (or to
 * none): the database takes both.
 *
 * @example
 * await postgrest(env).rpc('ingest_batch', { payload: toIngestWire(batch) });
 */
export function toIngestWire(batch: IngestBatch): IngestWire | IngestBatch {
  const site = batch.sessions[0]?.site_id ?? batch.visitors[0]?.site_id ?? batch.events[0]?.site_id;
  if (
    site === undefined ||
    !batch.sessions.every((s) => s.site_id === site) ||
    !batch.visitors.every((v) => v.site_id === site) ||
    !batch.events.every((e) => e.site_id === site)
  )
    return batch;
  const index = new Map<string, number>();
  const contexts: IngestWireContext[] = [];
  const sessions = batch.sessions.map((s, i): IngestWireSession => {
    // A session twice in one flush: events name its first row (the database merges the rows).
    if (!index.has(s.session_id)) index.set(s.session_id, i);
    const context = contextOf(s);
    contexts.push(context);
    return [
      ...context,
      micros(s.started_at),
      micros(s.last_seen),
      s.entry_path,
      s.exit_path,
      s.pageviews,
      s.engaged_ms,
      s.max_scroll,
      s.interactions,
      s.returning,
      s.utm_term ?? '',
      s.utm_content ?? '',
      s.click_id ?? '',
    ];
  });
  const events = batch.events.map((e): IngestWireEvent => {
    const session = index.get(e.session_id) ?? -1;
    const row: IngestWireEventFields = [
      e.id,
      e.type,
      micros(e.at),
      session,
      e.path,
      e.name,
      e.props,
      e.engaged_ms,
      e.scroll,
      e.interactions,
    ];
    const context = contextOf(e);
    const own = session >= 0 && sameContext(context, contexts[session]!) ? null : context;
    const v = e.vitals;
    if (e.revenue || v)
      return [
        ...row,
        own,
        e.revenue?.amount ?? null,
        e.revenue?.currency ?? null,
        v ? [v.lcp, v.inp, v.cls, v.ttfb, v.fcp] : null,
      ];
    return own ? [...row, own] : row;
  });
  const visitors = batch.visitors.map((v): IngestWireVisitor => [
    v.visitor_id,
    micros(v.first_seen),
    micros(v.last_seen),
    v.last_path,
    v.value_score,
    v.first_referrer_host,
    v.first_referrer_class,
    v.utm_source,
    v.utm_medium,
    v.utm_campaign,
    v.country,
    v.region,
    v.city,
    v.latitude,
    v.longitude,
    v.device,
    v.browser,
    v.os,
  ]);
  return {
    v: 2,
    batch_id: batch.batch_id,
    site_id: site,
    store_raw: batch.store_raw,
    sessions,
    visitors,
    events,
  };
}

function contextFields(c: IngestWireContext): ContextFields {
  return Object.fromEntries(CONTEXT_KEYS.map((key, i) => [key, c[i]])) as unknown as ContextFields;
}

/** The object form of a wire flush (what tests and recorders compare); the inverse of {@link toIngestWire}. */
export function fromIngestWire(wire: IngestWire | IngestBatch): IngestBatch {
  if (!('v' in wire)) return wire;
  const site_id = wire.site_id;
  const sessions = wire.sessions.map((s): IngestSession => {
    const c = contextFields(s.slice(0, 15) as IngestWireContext);
    const [started_at, last_seen, entry_path, exit_path, pageviews, engaged_ms, max_scroll] =
      s.slice(15) as [number, number, string, string, number, number, number];
    const extra = s as unknown as (string | undefined)[];
    return {
      site_id,
      session_id: c.session_id,
      visitor_id: c.visitor_id,
      started_at: iso(started_at),
      last_seen: iso(last_seen),
      entry_path,
      exit_path,
      pageviews,
      engaged_ms,
      max_scroll,
      interactions: s[22],
      referrer_host: c.referrer_host,
      referrer_class: c.referrer_class,
      utm_source: c.utm_source,
      utm_medium: c.utm_medium,
      utm_campaign: c.utm_campaign,
      utm_term: extra[24] ?? '',
      utm_content: extra[25] ?? '',
      click_id: extra[26] ?? '',
      returning: s[23],
      country: c.country,
      region: c.region,
      city: c.city,
      latitude: c.latitude,
      longitude: c.longitude,
      device: c.device,
      browser: c.browser,
      os: c.os,
    };
  });
  const events = wire.events.map((e): IngestEvent => {
    const [id, type, at, session, path, name, props, engaged_ms, scroll, interactions] = e;
    const context = e[10] ?? (wire.sessions[session]!.slice(0, 15) as IngestWireContext);
    const c = contextFields(context);
    const [amount, currency, vitals] = (
      e.length > 11 ? e.slice(11) : []
    ) as Partial<IngestWireEventExtras>;
    const extras: Pick<IngestEvent, 'revenue' | 'vitals'> = {};
    if (amount != null && currency != null) extras.revenue = { amount, currency };
    if (vitals) {
      const [lcp, inp, cls, ttfb, fcp] = vitals;
      extras.vitals = { lcp, inp, cls, ttfb, fcp };
    }
    return {
      id,
      site_id,
      type,
      at: iso(at),
      session_id: c.session_id,
      visitor_id: c.visitor_id,
      path,
      referrer_host: c.referrer_host,
      referrer_class: c.referrer_class,
      utm_source: c.utm_source,
      utm_medium: c.utm_medium,
      utm_campaign: c.utm_campaign,
      name,
      props,
      engaged_ms,
      scroll,
      interactions,
      country: c.country,
      region: c.region,
      city: c.city,
      latitude: c.latitude,
      longitude: c.longitude,
      device: c.device,
      browser: c.browser,
      os: c.os,
      ...extras,
    };
  });
  const visitors = wire.visitors.map(
    ([
      visitor_id,
      first_seen,
      last_seen,
      last_path,
      value_score,
      first_referrer_host,
      first_referrer_class,
      utm_source,
      utm_medium,
      utm_campaign,
      country,
      region,
      city,
      latitude,
      longitude,
      device,
      browser,
      os,
    ]): IngestVisitor => ({
      site_id,
      visitor_id,
      first_seen: iso(first_seen),
      last_seen: iso(last_seen),
      last_path,
      value_score,
      first_referrer_host,
      first_referrer_class,
      utm_source,
      utm_medium,
      utm_campaign,
      country,
      region,
      city,
      latitude,
      longitude,
      device,
      browser,
      os,
    }),
  );
  return { batch_id: wire.batch_id, store_raw: wire.store_raw, events, sessions, visitors };
}
