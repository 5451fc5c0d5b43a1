/**
 * The additive measures of an accepted event's Analytics Engine point, from the SiteLive
 * object's exact session and visitor state (definitions: @sightline/schema's analytics-engine.ts,
 * which match the Postgres reports). Computed while the event is folded into the state, in the
 * object, where every event of a visitor meets in order: that is what makes "a session's first
 * point", "its first view of a page" or "the visitor's first session today" exact.
 */
import type { EnrichedEvent, PointMeasures, PointSession } from '@sightline/schema';
import type { SessionState } from './visit-state.js';

/**
 * Distinct pages / custom event names a session remembers. Beyond that a page or name not
 * remembered counts as a first visit again (an overcount only sessions this long can show).
 */
const MAX_PAGE_KEYS = 256;
const MAX_EVENT_KEYS = 64;

/** FNV-1a, 32 bits: a page or name kept as a number in the session's state. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** True (and remembered) the first time `text` is offered for this list. */
function first(keys: number[], text: string, max: number): boolean {
  const key = hash(text);
  if (keys.includes(key)) return false;
  if (keys.length < max) keys.push(key);
  return true;
}

export interface MeasureContext {
  /** The event created the session's state (its first point: a visit). */
  newSession: boolean;
  /** The session is the visitor's first counted on its site-local day. */
  newVisitorDay: boolean;
  /** The session's page views before this event was folded in. */
  pageviewsBefore: number;
  /** The session's new value score when this event rescored it, else undefined. */
  score: number | undefined;
}

/**
 * Measures of event `e`, already folded into `s`. Updates the state's memory of pages, event
 * names and the reported score.
 *
 * @example
 * const m = measure(e, session, { newSession, newVisitorDay, pageviewsBefore, score });
 * if (needsDataPoint(e, m)) ae.writeDataPoint(toDataPoint(e, pointSession(session), m));
 */
export function measure(e: EnrichedEvent, s: SessionState, c: MeasureContext): PointMeasures {
  const onPage = e.type === 'pageview' || e.type === 'heartbeat';
  let bounces = 0;
  if (e.type === 'pageview') {
    if (s.pageviews === 1 && c.pageviewsBefore === 0) bounces = 1;
    else if (s.pageviews === 2 && c.pageviewsBefore === 1) bounces = -1;
  }
  let valueScore = 0;
  if (c.score !== undefined) {
    valueScore = c.score - s.scoreSent;
    s.scoreSent = c.score;
  }
  return {
    pageviews: e.type === 'pageview' ? 1 : 0,
    visits: c.newSession ? 1 : 0,
    visitorDays: c.newVisitorDay ? 1 : 0,
    pageVisits: onPage && first(s.pageKeys, e.url, MAX_PAGE_KEYS) ? 1 : 0,
    bounces,
    engagedMs: e.type === 'heartbeat' ? e.engagedMs : 0,
    eventVisits:
      e.type === 'custom' && e.name !== '' && first(s.eventKeys, e.name, MAX_EVENT_KEYS) ? 1 : 0,
    valueScore,
  };
}

/** A session's dimensions and buckets as its points carry them. */
export function pointSession(s: SessionState): PointSession {
  return {
    visitor: s.visitor_id,
    session: s.session_id,
    entryPage: s.entry_path,
    referrerHost: s.referrer_host,
    referrerClass: s.referrer_class,
    utmSource: s.utm_source,
    utmMedium: s.utm_medium,
    utmCampaign: s.utm_campaign,
    country: s.country,
    region: s.region,
    city: s.city,
    device: s.device,
    browser: s.browser,
    os: s.os,
    hour: s.hourMs,
    day: s.dayMs,
  };
}
