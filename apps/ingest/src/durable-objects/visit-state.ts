/**
 * Folding accepted events into a session's RUNNING TOTALS and the visitor's latest state — the
 * shapes `ingest_batch` merges with GREATEST — and deciding when the value score is recomputed:
 * on the session's first event, on every fifth heartbeat, and when scroll depth or interaction
 * counts change (scoring is cheap, but per-heartbeat scoring of thousands of visitors is not).
 * The state also remembers what the Analytics Engine measures need (ae-measures.ts): the
 * session's report buckets, the pages and custom events it has had, the score last reported.
 * The score sees the visit's page views and engaged time per content group (the site's, or the
 * default shop groups: content-groups.ts in @sightline/schema), as the model was fitted.
 */
import {
  contentGroupOf,
  CONTENT_GROUPS,
  DEFAULT_CONTENT_GROUPS,
  MODEL_GROUP,
  type ContentGroupRule,
  type EnrichedEvent,
  type IngestSession,
  type IngestVisitor,
} from '@sightline/schema';
import { scoreVisit, type GroupActivity } from '@sightline/schema/value-score';
import { calendar, localDayStart, localHourStart } from './calendar.js';

export interface SessionState extends IngestSession {
  /**
   * Page views and engaged time per content group (the model's group names). Absent in states
   * stored before content groups were scored: they start from the next event.
   */
  groups?: Record<string, GroupActivity>;
  heartbeats: number;
  /** Score inputs at the last scoring, to detect a change. */
  scoredScroll: number;
  scoredInteractions: number;
  /** Receive time of the session's first event, ms. */
  startedAtMs: number;
  lastSeenMs: number;
  /** ms: the site-local hour and day the session started in (its report buckets). */
  hourMs: number;
  dayMs: number;
  /** Hashes of the pages and custom event names the session has had (first visits). */
  pageKeys: number[];
  eventKeys: number[];
  /** The value score the session last reported to Analytics Engine (its points sum to it). */
  scoreSent: number;
}

export interface VisitorState extends IngestVisitor {
  /** The session the visitor was last seen in (to tell a returning visitor). */
  last_session: string;
  lastSeenMs: number;
  /** ms: the site-local day of the visitor's last counted session start (daily uniques). */
  visitDayMs?: number;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** A new session (and whether its visitor had been seen before) in a site's time zone. */
export function newSession(e: EnrichedEvent, returning: boolean, timeZone: string): SessionState {
  return {
    site_id: e.site,
    session_id: e.session,
    visitor_id: e.visitor,
    started_at: iso(e.receivedAt),
    last_seen: iso(e.receivedAt),
    entry_path: e.url,
    exit_path: e.url,
    pageviews: 0,
    engaged_ms: 0,
    max_scroll: 0,
    interactions: 0,
    referrer_host: e.referrerHost,
    referrer_class: e.referrerClass,
    utm_source: e.utmSource,
    utm_medium: e.utmMedium,
    utm_campaign: e.utmCampaign,
    utm_term: e.utmTerm,
    utm_content: e.utmContent,
    click_id: e.clickId,
    returning,
    country: e.country,
    region: e.region,
    city: e.city,
    latitude: e.latitude,
    longitude: e.longitude,
    device: e.device,
    browser: e.browser,
    os: e.os,
    groups: emptyGroups(),
    heartbeats: 0,
    scoredScroll: -1,
    scoredInteractions: -1,
    startedAtMs: e.receivedAt,
    lastSeenMs: e.receivedAt,
    hourMs: localHourStart(e.receivedAt, timeZone),
    dayMs: localDayStart(e.receivedAt, timeZone),
    pageKeys: [],
    eventKeys: [],
    scoreSent: 0,
  };
}

/**
 * Postgres `integer` (sessions.pageviews, sessions.interactions): a running total past it would
 * fail every flush of the session (a data exception), so it stops there. Reachable: a heartbeat
 * may report up to 100,000 interactions.
 */
const PG_INT_MAX = 2_147_483_647;

/** Every model group at zero: a visit with none of its pages in a group still says so. */
function emptyGroups(): Record<string, GroupActivity> {
  return Object.fromEntries(
    CONTENT_GROUPS.map((g) => [MODEL_GROUP[g], { views: 0, engagedMs: 0 }]),
  );
}

/** The activity record of the content group `path` belongs to, or null for none. */
function groupOf(
  s: SessionState,
  path: string,
  rules: readonly ContentGroupRule[],
): GroupActivity | null {
  const group = contentGroupOf(path, rules);
  if (group === null) return null;
  s.groups ??= emptyGroups();
  return (s.groups[MODEL_GROUP[group]] ??= { views: 0, engagedMs: 0 });
}

/**
 * Adds one event to the session's totals. Returns true when the score should be recomputed.
 * `groups`: the site's content-group rules.
 *
 * @example
 * if (foldEvent(session, event, rules)) visitor.value_score = score(session, site.timezone);
 */
export function foldEvent(
  s: SessionState,
  e: EnrichedEvent,
  groups: readonly ContentGroupRule[] = DEFAULT_CONTENT_GROUPS,
): boolean {
  s.lastSeenMs = Math.max(s.lastSeenMs, e.receivedAt);
  s.last_seen = iso(s.lastSeenMs);
  if (e.type === 'pageview') {
    s.pageviews = Math.min(PG_INT_MAX, s.pageviews + 1);
    s.exit_path = e.url;
    const group = groupOf(s, e.url, groups);
    if (group) group.views += 1;
  } else if (e.type === 'heartbeat') {
    s.heartbeats += 1;
    s.engaged_ms += e.engagedMs;
    // Not measured (the tracker's core build): no depth, rather than a depth of 0.
    if (e.scroll !== undefined) s.max_scroll = Math.max(s.max_scroll, e.scroll);
    s.interactions = Math.min(PG_INT_MAX, s.interactions + e.interactions);
    const group = groupOf(s, e.url, groups);
    if (group) group.engagedMs += e.engagedMs;
  }
  if (s.scoredScroll < 0) return true;
  if (s.max_scroll !== s.scoredScroll || s.interactions !== s.scoredInteractions) return true;
  return e.type === 'heartbeat' && s.heartbeats % 5 === 0;
}

/** The visit's value score, 0..100, and marks the session as scored. */
export function score(s: SessionState, timeZone: string): number {
  s.scoredScroll = s.max_scroll;
  s.scoredInteractions = s.interactions;
  const { weekend, month } = calendar(s.startedAtMs, timeZone);
  return scoreVisit({
    pageviews: s.pageviews,
    engagedMs: s.engaged_ms,
    // A state from before content groups has none: the model's default group then.
    ...(s.groups && { pagesByGroup: s.groups }),
    returning: s.returning,
    sourceClass: s.referrer_class,
    device: s.device,
    os: s.os,
    browser: s.browser,
    weekend,
    month,
  });
}

/** Updates (or starts) the visitor's latest state from an event of `session`. */
export function foldVisitor(
  v: VisitorState | undefined,
  s: SessionState,
  e: EnrichedEvent,
): VisitorState {
  const state: VisitorState = v ?? {
    site_id: e.site,
    visitor_id: e.visitor,
    first_seen: s.started_at,
    last_seen: s.last_seen,
    last_path: e.url,
    value_score: 0,
    first_referrer_host: s.referrer_host,
    first_referrer_class: s.referrer_class,
    utm_source: s.utm_source,
    utm_medium: s.utm_medium,
    utm_campaign: s.utm_campaign,
    last_session: s.session_id,
    lastSeenMs: e.receivedAt,
    country: e.country,
    region: e.region,
    city: e.city,
    latitude: e.latitude,
    longitude: e.longitude,
    device: e.device,
    browser: e.browser,
    os: e.os,
  };
  state.lastSeenMs = Math.max(state.lastSeenMs, e.receivedAt);
  state.last_seen = iso(state.lastSeenMs);
  if (e.type === 'pageview') state.last_path = e.url;
  state.last_session = s.session_id;
  if (s.utm_source || s.utm_campaign) {
    state.utm_source = s.utm_source;
    state.utm_medium = s.utm_medium;
    state.utm_campaign = s.utm_campaign;
  }
  Object.assign(state, {
    country: e.country,
    region: e.region,
    city: e.city,
    latitude: e.latitude,
    longitude: e.longitude,
    device: e.device,
    browser: e.browser,
    os: e.os,
  });
  return state;
}

/** Strips the object-internal fields: what goes into the `ingest_batch` payload. */
export function sessionRow(s: SessionState): IngestSession {
  const {
    groups: _g,
    heartbeats: _h,
    scoredScroll: _s,
    scoredInteractions: _i,
    startedAtMs: _a,
    lastSeenMs: _l,
    hourMs: _hour,
    dayMs: _day,
    pageKeys: _pages,
    eventKeys: _events,
    scoreSent: _score,
    ...row
  } = s;
  return row;
}

export function visitorRow(v: VisitorState): IngestVisitor {
  const { last_session: _s, lastSeenMs: _l, visitDayMs: _d, ...row } = v;
  return row;
}
