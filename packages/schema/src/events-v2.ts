/**
 * Wire format v2, the compact one the tracker sends: what is constant for a page load (session,
 * visitor, storage, screen, language, time zone, automation) is said once in the envelope, and
 * each event is a positional array `[type, sequence, ts, url, referrer, ...kind fields]`.
 * `parseBatch` expands a v2 batch into exactly the v1 objects the same events would have been
 * (events.ts), so everything downstream of it sees one format. Field limits are the v1 ones
 * (fields.ts), position by position.
 */
import { z } from 'zod';
import type { Batch, Event, EventType } from './events.js';
import {
  Count,
  EventName,
  id,
  Language,
  MAX_CLS,
  MAX_VITAL_MS,
  Metric,
  Path,
  Props,
  Referrer,
  Revenue,
  Screen,
  SiteId,
  Target,
  TimeZone,
  Timestamp,
  Title,
} from './fields.js';
import { COMPACT_WIRE_VERSION, LIMITS, MAX_EVENTS_PER_BATCH, WIRE_VERSION } from './limits.js';

/** An optional position: `null`, or left out when no later position follows. */
const opt = <T extends z.ZodType>(schema: T) => schema.nullable().optional();

/** The five positions every v2 event starts with. */
const head = <C extends number>(code: C) =>
  [z.literal(code), Count(LIMITS.sequence), Timestamp, Path, opt(Referrer)] as const;

/** `[0, seq, ts, url, referrer?, title?]` */
export const PageviewV2 = z.tuple([...head(0), opt(Title)]);
/** `[1, seq, ts, url, referrer?, engagedMs, scroll?, interactions, final?]` (scroll `null`: not measured) */
export const HeartbeatV2 = z.tuple([
  ...head(1),
  Count(LIMITS.engagedMs),
  Count(100).nullable(),
  Count(LIMITS.interactions),
  opt(z.boolean()),
]);
/** `[2, seq, ts, url, referrer?, name, props?, revenue?]` */
export const CustomV2 = z.tuple([...head(2), EventName, opt(Props), opt(Revenue)]);
/** `[3, seq, ts, url, referrer?, target]` */
export const OutboundV2 = z.tuple([...head(3), Target]);
/** `[4, seq, ts, url, referrer?, target]` */
export const DownloadV2 = z.tuple([...head(4), Target]);
/** `[5, seq, ts, url, referrer?, lcp?, inp?, cls?, ttfb?, fcp?]` */
export const VitalsV2 = z.tuple([
  ...head(5),
  opt(Metric(MAX_VITAL_MS)),
  opt(Metric(MAX_VITAL_MS)),
  opt(Metric(MAX_CLS)),
  opt(Metric(MAX_VITAL_MS)),
  opt(Metric(MAX_VITAL_MS)),
]);

/**
 * Per type code: the v1 type, the event's schema and the v1 names of its positions from 5 on.
 * The code is the index: never reorder, only append.
 */
export const KINDS_V2 = [
  ['pageview', PageviewV2, ['title']],
  ['heartbeat', HeartbeatV2, ['engagedMs', 'scroll', 'interactions', 'final']],
  ['custom', CustomV2, ['name', 'props', 'revenue']],
  ['outbound', OutboundV2, ['target']],
  ['download', DownloadV2, ['target']],
  ['vitals', VitalsV2, ['lcp', 'inp', 'cls', 'ttfb', 'fcp']],
] as const satisfies readonly (readonly [EventType, z.ZodType, readonly string[]])[];

/** v2 type codes by v1 type. */
export const TYPE_CODES_V2 = Object.fromEntries(KINDS_V2.map(([type], code) => [type, code])) as {
  [K in EventType]: number;
};

/** The envelope fields, shared by the exported schema and the one `parseBatch` runs first. */
const envelope = {
  v: z.literal(COMPACT_WIRE_VERSION),
  /** Site id. */
  s: SiteId,
  /** Session id (every event's `session`). */
  i: id(LIMITS.sessionId),
  /** Visitor id (every event's `visitor`). */
  u: id(LIMITS.visitorId),
  /** Ids kept in storage (every event's `storage`). */
  k: z.boolean(),
  /** Page-load id: event ids are `<p>-<sequence>`. */
  p: id(LIMITS.loadId),
  /** Screen `[width, height]` (every event's `screen`). */
  w: Screen.optional(),
  /** Language (every event's `language`). */
  l: Language.optional(),
  /** IANA time zone (every event's `timeZone`). */
  z: TimeZone.optional(),
  /** The batch's `automated`. */
  a: z.boolean().optional(),
};

export const EventV2 = z.union(KINDS_V2.map(([, schema]) => schema));

/** A v2 batch: `{ v: 2, s, i, u, k, p, w?, l?, z?, a?, e }`. */
export const BatchV2 = z.strictObject({
  ...envelope,
  e: z.array(EventV2).min(1).max(MAX_EVENTS_PER_BATCH),
});

/**
 * The envelope alone, events only as arrays: `parseBatch` checks each event against its own
 * kind's schema (chosen by its type code) so an error names the position at fault instead of
 * listing how the event failed all six kinds.
 */
export const BatchV2Envelope = z.strictObject({
  ...envelope,
  e: z.array(z.array(z.unknown())).min(1).max(MAX_EVENTS_PER_BATCH),
});

export type EventV2 = z.infer<typeof EventV2>;
export type BatchV2 = z.infer<typeof BatchV2>;

/**
 * The v1 batch a valid v2 batch stands for: every event gets the envelope's per-load fields,
 * `id` = `<p>-<sequence>`, its type's name and named kind fields; `null` positions are left out.
 *
 * @example
 * expandBatchV2({ v: 2, s: 'demo', i: 'sess-0001', u: 'visitor-1', k: true, p: 'load-0001',
 *   e: [[0, 0, 1795867200000, '/pricing', '', 'Pricing']] });
 * // { v: 1, site: 'demo', events: [{ type: 'pageview', id: 'load-0001-0', ts: 1795867200000,
 * //   session: 'sess-0001', visitor: 'visitor-1', url: '/pricing', referrer: '',
 * //   storage: true, title: 'Pricing' }] }
 */
export function expandBatchV2(batch: BatchV2): Batch {
  const events = batch.e.map((tuple) => {
    const [code, sequence, ts, url, referrer] = tuple;
    const [type, , names] = KINDS_V2[code];
    // Keys in the order the v1 schema outputs them, so even the JSON text is the same.
    const event: Record<string, unknown> = {
      id: `${batch.p}-${sequence}`,
      ts,
      session: batch.i,
      visitor: batch.u,
      url,
    };
    if (referrer != null) event.referrer = referrer;
    if (batch.w) event.screen = [batch.w[0], batch.w[1]];
    if (batch.l !== undefined) event.language = batch.l;
    if (batch.z !== undefined) event.timeZone = batch.z;
    event.storage = batch.k;
    event.type = type;
    names.forEach((name, i) => {
      const value = (tuple as readonly unknown[])[5 + i];
      if (value != null) event[name] = value;
    });
    return event as Event;
  });
  const expanded: Batch = { v: WIRE_VERSION, site: batch.s, events };
  if (batch.a !== undefined) expanded.automated = batch.a;
  return expanded;
}
