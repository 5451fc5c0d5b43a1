/**
 * Format-2 Analytics Engine data points describing the same events as a Postgres bench site
 * (supabase/bench/generate.ts): derived from its sessions, session_pages and session_events in
 * Postgres (a view), copied into the local engine's table by ClickHouse itself (`postgresql()`
 * table function) while the engine is stopped, so both stores answer the same questions about
 * the same visits. Per session, as SiteLive writes them (schema column map):
 * - one `pageview` point per page view: `visits` 1 on the session's first, `bounces` +1 on its
 *   first and -1 on its second, `page_visits` 1 on the first view of each page;
 * - one `heartbeat` point per page with engaged time, carrying that page's engaged ms;
 * - one `custom` point per custom event: `event_visits` 1 on the first of each name.
 * Heartbeats that change no measure are not written (`needsDataPoint`), so a site of N events
 * holds fewer points than events. `visitor_days` stays 0: no Stats API report reads it.
 */
import { AE_BLOBS, AE_DOUBLES, AE_FORMAT_TAG, AE_SCHEMA_VERSION } from '@sightline/schema';
import { Session } from 'chdb';
import type pg from 'pg';

/** Postgres expression of each format-2 field, over `s` (session) and `p` (the point's row). */
const FIELDS: Record<string, string> = {
  format: `'${AE_FORMAT_TAG}'`,
  type: 'p.type',
  path: 'p.path',
  referrer_host: 's.referrer_host',
  referrer_class: 's.referrer_class',
  country: 's.country',
  region: 's.region',
  city: 's.city',
  device: 's.device',
  browser: 's.browser',
  os: 's.os',
  utm_source: 's.utm_source',
  utm_medium: 's.utm_medium',
  utm_campaign: 's.utm_campaign',
  name: 'p.name',
  visitor: 's.visitor_id',
  session: 's.session_id',
  entry_page: 's.entry_path',
  format_version: String(AE_SCHEMA_VERSION),
  session_hour: 'extract(epoch from s.hour) * 1000',
  session_day: `extract(epoch from date_trunc('day', s.started_at at time zone t.tz) at time zone t.tz) * 1000`,
  engaged_ms: 'p.engaged_ms',
  pageviews: 'p.pageviews',
  visits: 'p.visits',
  page_visits: 'p.page_visits',
  bounces: 'p.bounces',
  event_visits: 'p.event_visits',
  received_at: 'extract(epoch from p.at) * 1000',
};

const field = (name: string, type: 'text' | 'float8') =>
  `(${FIELDS[name] ?? (type === 'text' ? "''" : '0')})::${type} as "${name}"`;

/** A view of the site's points (site ids of the bench are plain: `bench<N>`). */
export async function createPointsView(db: pg.Client, site: string): Promise<string> {
  if (!/^[a-z0-9]+$/.test(site)) throw new Error(`unexpected bench site id ${site}`);
  const view = `bench_ae_points_${site}`;
  await db.query(`create or replace view public.${view} as
    with t as (select timezone as tz from public.sites where id = '${site}'),
    views as (
      select sp.session_id, sp.path, v.at, v.k,
        row_number() over (partition by sp.session_id order by v.at, v.k) as n
      from public.session_pages sp cross join lateral unnest(sp.viewed_at) with ordinality v(at, k)
      where sp.site_id = '${site}'),
    points as (
      select session_id, 'pageview' as type, path, '' as name, at, 0::bigint as engaged_ms,
        1 as pageviews, (n = 1)::int as visits, (k = 1)::int as page_visits,
        case n when 1 then 1 when 2 then -1 else 0 end as bounces, 0 as event_visits
      from views
      union all
      select session_id, 'heartbeat', path, '', first_viewed_at + interval '15 seconds', engaged_ms,
        0, 0, 0, 0, 0
      from public.session_pages where site_id = '${site}' and engaged_ms > 0
      union all
      select e.session_id, 'custom', s.exit_path, e.name, s.started_at + interval '20 seconds', 0,
        0, 0, 0, 0, (j = 1)::int
      from public.session_events e
      join public.sessions s on s.site_id = e.site_id and s.session_id = e.session_id
      cross join lateral generate_series(1, e.events) j
      where e.site_id = '${site}')
    select floor(extract(epoch from p.at))::bigint as ts, s.site_id as site,
      ${AE_BLOBS.map((b) => field(b, 'text')).join(', ')},
      ${AE_DOUBLES.map((d) => field(d, 'float8')).join(', ')}
    from points p join public.sessions s on s.site_id = '${site}' and s.session_id = p.session_id
    cross join t`);
  return view;
}

/** The INSERT that copies the view into the dataset's table (columns in the schema's order). */
function copySql(view: string, dbUrl: string, dataset: string): string {
  const u = new URL(dbUrl);
  const lit = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  const source = `postgresql(${lit(`${u.hostname}:${u.port}`)}, ${lit(u.pathname.slice(1))}, ${lit(view)}, ${lit(decodeURIComponent(u.username))}, ${lit(decodeURIComponent(u.password))}, 'public')`;
  return `INSERT INTO analytics_engine.${dataset}
    SELECT '${dataset}', toDateTime(ts), 1, site,
      ${AE_BLOBS.map((b) => `"${b}"`).join(', ')}, ${AE_DOUBLES.map((d) => `"${d}"`).join(', ')}
    FROM ${source}`;
}

/**
 * Copies the site's points into the engine's data directory (the engine must be stopped; its
 * dataset table must exist: the real write path creates it). Returns the points copied.
 */
export async function loadPoints(
  engineDir: string,
  view: string,
  dbUrl: string,
  site: string,
  dataset = 'sightline_events',
): Promise<number> {
  const session = new Session(engineDir);
  try {
    await session.queryAsync(
      `ALTER TABLE analytics_engine.${dataset} DELETE WHERE index1 = '${site}' SETTINGS mutations_sync = 1`,
    );
    await session.queryAsync(copySql(view, dbUrl, dataset));
    return await count(session, dataset, site);
  } finally {
    session.close();
  }
}

/**
 * Fills `toSite` with `copies` copies of `fromSite`'s points, the visitor and session ids of copy
 * c suffixed `~c` (other visitors' sessions on the same days), unless it holds them already.
 * Answers scale exactly: visits, page views and visitors are `copies` times `fromSite`'s.
 */
export async function multiplyPoints(
  engineDir: string,
  fromSite: string,
  toSite: string,
  copies: number,
  dataset = 'sightline_events',
): Promise<number> {
  const session = new Session(engineDir);
  try {
    const want = copies * (await count(session, dataset, fromSite));
    if ((await count(session, dataset, toSite)) === want) return want;
    await session.queryAsync(
      `ALTER TABLE analytics_engine.${dataset} DELETE WHERE index1 = '${toSite}' SETTINGS mutations_sync = 1`,
    );
    const blobs = AE_BLOBS.map((b, i) =>
      b === 'visitor' || b === 'session'
        ? `concat(blob${i + 1}, '~', toString(c))`
        : `blob${i + 1}`,
    );
    await session.queryAsync(`INSERT INTO analytics_engine.${dataset}
      SELECT dataset, timestamp, _sample_interval, '${toSite}', ${blobs.join(', ')},
        ${AE_DOUBLES.map((_, i) => `double${i + 1}`).join(', ')}
      FROM analytics_engine.${dataset} ARRAY JOIN range(${copies}) AS c
      WHERE index1 = '${fromSite}'`);
    return await count(session, dataset, toSite);
  } finally {
    session.close();
  }
}

/** Removes points of `site` whose session id has `~` (an interrupted multiplication). */
export async function dropCopies(
  engineDir: string,
  site: string,
  dataset = 'sightline_events',
): Promise<void> {
  const session = new Session(engineDir);
  try {
    await session.queryAsync(
      `ALTER TABLE analytics_engine.${dataset} DELETE WHERE index1 = '${site}' AND position(blob18, '~') > 0 SETTINGS mutations_sync = 1`,
    );
  } finally {
    session.close();
  }
}

async function count(session: Session, dataset: string, site: string): Promise<number> {
  const out = await session.queryAsync(
    `SELECT count() AS n FROM analytics_engine.${dataset} WHERE index1 = '${site}' FORMAT CSV`,
  );
  return Number(out.text().trim());
}
