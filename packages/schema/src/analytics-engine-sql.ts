/**
 * Reports from Analytics Engine: the SQL (Analytics Engine's dialect, which the devstack's local
 * engine enforces) that answers an overview, a breakdown or a time series from format-2 points
 * with sums of their measures, and the reading of the answers. The definitions are Postgres'
 * (supabase/schemas/30_report_helpers.sql): a session and all its activity count in the hour it
 * started; with a `page` filter, page views and engaged time are that page's and the sessions
 * are those that were on it; a page's bounce rate is that of the sessions that were on it.
 *
 * What is exact: every sum while Analytics Engine does not sample (`sampleInterval` 1), and an
 * unbiased estimate when it does. Unique visitors are `count(DISTINCT visitor)` over the visit
 * points: exact unsampled, a LOWER BOUND when sampled (a distinct count cannot be scaled up), so
 * every answer carries `sampleInterval` and `visitorsExact`. Daily unique visitors of the whole
 * site are a sum (`dailyVisitorsSql`) and stay unbiased under sampling.
 *
 * Not answerable by sums of points, refused with `AeQueryError` (`unsupported_filter`), to be
 * answered from Postgres: an `event` filter outside the event breakdown (sessions that sent an
 * event: their page views are on other points) and `exit_page` (a session's last page moves).
 * Activity more than a day after its session started is outside the queried window.
 */
import { AE_SCHEMA_VERSION, aeColumn, type AeBlob } from './analytics-engine.js';

/** Dimensions fixed at a session's first event, and their blob. */
export const SESSION_COLUMNS: Readonly<Record<string, AeBlob>> = {
  entry_page: 'entry_page',
  referrer: 'referrer_host',
  referrer_class: 'referrer_class',
  country: 'country',
  region: 'region',
  city: 'city',
  device: 'device',
  browser: 'browser',
  os: 'os',
  utm_source: 'utm_source',
  utm_medium: 'utm_medium',
  utm_campaign: 'utm_campaign',
};

export class AeQueryError extends Error {
  override readonly name = 'AeQueryError';
  constructor(
    readonly code: 'unsupported_filter' | 'unsupported_dimension' | 'invalid_range',
    message: string,
  ) {
    super(message);
  }
}

export interface AeReportQuery {
  site: string;
  /** ms; a session counts when the start of its local hour is in [from, to). */
  from: number;
  to: number;
  /** Dimension name → value, as the report RPCs take them. */
  filters?: Record<string, string>;
  /** Analytics Engine dataset (default `sightline_events`). */
  dataset?: string;
  /** More conditions on session dimensions, AND-combined: built by `aeFilterConditions`. */
  conditions?: readonly AeCondition[];
}

/** A WHERE condition built from typed pieces (stats-ae-filters.ts), never from raw input. */
export type AeCondition = string & { readonly __aeCondition: true };

/** A SQL string literal (Analytics Engine: backslash escapes, `\'` for a quote). */
export const sqlString = (value: string): string =>
  `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

const col = aeColumn;
const SI = '_sample_interval';
const DAY_S = 86_400;

function checkRange(q: AeReportQuery): void {
  if (!Number.isFinite(q.from) || !Number.isFinite(q.to) || q.to <= q.from)
    throw new AeQueryError('invalid_range', 'to must be after from (ms)');
}

/**
 * The expressions of one report: WHERE conditions and the per-point value of each measure. With
 * a page filter the measures become the page's (bounces: the sessions whose only page it was,
 * i.e. it was their entry page).
 */
function parts(q: AeReportQuery, breakdown?: string) {
  checkRange(q);
  const where = [
    `index1 = ${sqlString(q.site)}`,
    `${col('format_version')} = ${AE_SCHEMA_VERSION}`,
    `${col('session_hour')} >= ${Math.floor(q.from)}`,
    `${col('session_hour')} < ${Math.floor(q.to)}`,
    // Points are written at or after their session's start (index order: cheap to bound).
    `timestamp >= toDateTime(${Math.floor(q.from / 1000)})`,
    `timestamp < toDateTime(${Math.ceil(q.to / 1000) + DAY_S})`,
  ];
  where.push(...(q.conditions ?? []));
  let page: string | undefined;
  for (const [name, value] of Object.entries(q.filters ?? {})) {
    const column = SESSION_COLUMNS[name];
    if (column) where.push(`${col(column)} = ${sqlString(value)}`);
    else if (name === 'page') page = sqlString(value);
    else if (name === 'event' && breakdown === 'event')
      where.push(`${col('name')} = ${sqlString(value)}`);
    else
      throw new AeQueryError(
        'unsupported_filter',
        `filter "${name}" is not answerable from Analytics Engine sums; read Postgres`,
      );
  }
  const on = (condition: string | undefined, expr: string) =>
    condition ? `if(${condition}, ${expr}, 0)` : expr;
  const onPage = page && `${col('path')} = ${page}`;
  const onEntry = page && `${col('entry_page')} = ${page}`;
  if (page) where.push(`(${onPage} OR ${onEntry})`);
  return {
    where,
    page,
    /** Points that count a visit: the session's first point, or its first on the page. */
    visitRow: page ? `${onPage} AND ${col('page_visits')} = 1` : `${col('visits')} = 1`,
    visits: page ? on(onPage, col('page_visits')) : col('visits'),
    pageviews: on(onPage, col('pageviews')),
    bounces: on(onEntry, col('bounces')),
    engaged: on(onPage, col('engaged_ms')),
  };
}

/** Distinct visitors of the rows matching `condition` (others count as '': removed again). */
const visitorsOf = (condition: string) =>
  `count(DISTINCT if(${condition}, ${col('visitor')}, '')) - max(if(${condition}, 0, 1))`;

const measures = (p: ReturnType<typeof parts>) =>
  [
    `${visitorsOf(p.visitRow)} AS visitors`,
    `SUM(${SI} * ${p.visits}) AS visits`,
    `SUM(${SI} * ${p.pageviews}) AS pageviews`,
    `SUM(${SI} * ${p.bounces}) AS bounces`,
    `SUM(${SI} * ${p.engaged}) AS engaged_ms`,
    `max(${SI}) AS sample_interval`,
  ].join(', ');

const from = (q: AeReportQuery) => q.dataset ?? 'sightline_events';

/**
 * One row: visitors, visits, pageviews, bounces, engaged_ms, sample_interval.
 *
 * @example
 * overviewSql({ site: 'demo', from: Date.UTC(2026, 0, 1), to: Date.UTC(2026, 0, 8), filters: { country: 'DE' } })
 */
export function overviewSql(q: AeReportQuery): string {
  const p = parts(q);
  return `SELECT ${measures(p)} FROM ${from(q)} WHERE ${p.where.join(' AND ')} FORMAT JSON`;
}

/**
 * One row per session-local hour or day bucket that has sessions (empty buckets are not
 * returned): bucket (ms), then the overview's columns.
 */
export function timeseriesSql(q: AeReportQuery, resolution: 'hour' | 'day'): string {
  const p = parts(q);
  const bucket = col(resolution === 'hour' ? 'session_hour' : 'session_day');
  return `SELECT ${bucket} AS bucket, ${measures(p)} FROM ${from(q)} WHERE ${p.where.join(' AND ')} GROUP BY bucket ORDER BY bucket FORMAT JSON`;
}

/**
 * The queries of a breakdown, run in order: the first lists the values (value, then the
 * overview's columns); for `page` a second one reads the bounces of those pages (sessions that
 * entered there), by `value` — pass the first answer's values to build it (`pageBouncesSql`).
 */
export function breakdownSql(q: AeReportQuery, dimension: string, limit = 10): string {
  const order =
    'ORDER BY visitors DESC, visits DESC, value LIMIT ' + Math.max(1, Math.floor(limit));
  if (dimension === 'event') {
    const p = parts(q, 'event');
    const visitRow = `${col('event_visits')} = 1`;
    return `SELECT ${col('name')} AS value, ${visitorsOf(visitRow)} AS visitors, SUM(${SI} * ${col('event_visits')}) AS visits, SUM(${SI}) AS pageviews, max(${SI}) AS sample_interval FROM ${from(q)} WHERE ${[...p.where, `${col('type')} = 'custom'`].join(' AND ')} GROUP BY value HAVING visits > 0 ${order} FORMAT JSON`;
  }
  if (dimension === 'page') {
    const p = parts(q);
    const where = p.page ? [...p.where, `${col('path')} = ${p.page}`] : p.where;
    const visitRow = `${col('page_visits')} = 1`;
    return `SELECT ${col('path')} AS value, ${visitorsOf(visitRow)} AS visitors, SUM(${SI} * ${col('page_visits')}) AS visits, SUM(${SI} * ${col('pageviews')}) AS pageviews, SUM(${SI} * ${col('engaged_ms')}) AS engaged_ms, max(${SI}) AS sample_interval FROM ${from(q)} WHERE ${where.join(' AND ')} GROUP BY value HAVING visits > 0 ${order} FORMAT JSON`;
  }
  const column = SESSION_COLUMNS[dimension];
  if (!column)
    throw new AeQueryError(
      'unsupported_dimension',
      `dimension "${dimension}" is not answerable from Analytics Engine sums; read Postgres`,
    );
  const p = parts(q);
  return `SELECT ${col(column)} AS value, ${measures(p)} FROM ${from(q)} WHERE ${p.where.join(' AND ')} GROUP BY value HAVING visits > 0 ${order} FORMAT JSON`;
}

/** The bounces of a page breakdown's pages: the sessions that entered on each and left. */
export function pageBouncesSql(q: AeReportQuery, pages: readonly string[]): string {
  const p = parts({ ...q, filters: { ...q.filters } });
  const list = pages.length ? pages.map(sqlString).join(', ') : "''";
  return `SELECT ${col('entry_page')} AS value, SUM(${SI} * ${col('bounces')}) AS bounces FROM ${from(q)} WHERE ${[...p.where, `${col('entry_page')} IN (${list})`].join(' AND ')} GROUP BY value FORMAT JSON`;
}

/**
 * Unique visitors per site-local day of the whole site, as a sum: exact, and unbiased when
 * sampled (one point per visitor and day says so). No filters: the flag is per visitor, not per
 * dimension value.
 */
export function dailyVisitorsSql(q: AeReportQuery): string {
  if (q.filters && Object.keys(q.filters).length)
    throw new AeQueryError('unsupported_filter', 'daily visitors by sum have no filters');
  const p = parts(q);
  return `SELECT ${col('session_day')} AS day, SUM(${SI} * ${col('visitor_days')}) AS visitors FROM ${from(q)} WHERE ${p.where.join(' AND ')} GROUP BY day ORDER BY day FORMAT JSON`;
}

/**
 * Format 1 (points written before format 2, one per event with its own fields): the overview
 * its columns can answer, for the part of a range before the switch. Sessions are counted by
 * their distinct ids, page views by type; bounces are not answerable (null), engaged time is
 * double3 in both formats. Times are the points' own (format 1 has no session hour).
 */
export function legacyOverviewSql(q: AeReportQuery): string {
  checkRange(q);
  const where = [
    `index1 = ${sqlString(q.site)}`,
    'double1 = 1',
    `timestamp >= toDateTime(${Math.floor(q.from / 1000)})`,
    `timestamp < toDateTime(${Math.floor(q.to / 1000)})`,
  ];
  for (const [name, value] of Object.entries(q.filters ?? {})) {
    // Format 1 keeps the dimensions at format 2's positions, as the event's own values.
    const column = SESSION_COLUMNS[name];
    if (column && column !== 'entry_page') where.push(`${col(column)} = ${sqlString(value)}`);
    else if (name === 'page') where.push(`${col('path')} = ${sqlString(value)}`);
    else throw new AeQueryError('unsupported_filter', `filter "${name}" on format-1 points`);
  }
  return `SELECT count(DISTINCT ${col('visitor')}) AS visitors, count(DISTINCT ${col('session')}) AS visits, SUM(${SI} * if(${col('type')} = 'pageview', 1, 0)) AS pageviews, SUM(${SI} * ${col('engaged_ms')}) AS engaged_ms, max(${SI}) AS sample_interval FROM ${from(q)} WHERE ${where.join(' AND ')} FORMAT JSON`;
}

/** An overview (or one breakdown row, or one time-series bucket) read from Analytics Engine. */
export interface AeTotals {
  visitors: number;
  /** False when Analytics Engine sampled: visitors is then a lower bound. */
  visitorsExact: boolean;
  visits: number;
  pageviews: number;
  bounces: number | null;
  engagedMs: number;
  /** The largest `_sample_interval` among the points read (1: nothing sampled). */
  sampleInterval: number;
}

/** Reads a row of the queries above (Analytics Engine sends 64-bit numbers as strings). */
export function readTotals(row: Record<string, unknown> | undefined): AeTotals {
  const n = (key: string) => Number(row?.[key] ?? 0) || 0;
  const sampleInterval = Math.max(1, n('sample_interval'));
  return {
    visitors: n('visitors'),
    visitorsExact: sampleInterval === 1,
    visits: Math.round(n('visits')),
    pageviews: Math.round(n('pageviews')),
    bounces: row && 'bounces' in row ? Math.round(n('bounces')) : null,
    engagedMs: Math.round(n('engaged_ms')),
    sampleInterval,
  };
}
