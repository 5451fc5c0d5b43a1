// Fills a site with N sessions' worth of history the way ingest_batch would have left it,
// set-based in SQL (never through the RPC: 10 million events would take hours that way).
// sessions, session_pages and session_events are drawn at random (and stored in time order, as
// ingest_batch appends them); rollups, visitor_days,
// daily_rollups (with the unique-visitor counts) and visitors are then derived from them with the same definitions
// ingest_batch applies, so the reading RPCs see realistic row counts and distributions.
import type pg from 'pg';
import { DIMENSIONS, KEYS, PAGE_IN_COUNTRY, SITE_TOTAL } from '../src/dimensions.js';

export interface Volume {
  sessions: number;
  visitors: number;
  days: number;
}

/** Paths, countries etc. are skewed (x^2) so a few values dominate, as on a real site. */
const STEPS: [string, string][] = [
  [
    'sessions',
    `insert into public.sessions (site_id, session_id, visitor_id, hour, started_at, last_seen,
       entry_path, exit_path, pageviews, engaged_ms, max_scroll, interactions, referrer_host,
       referrer_class, utm_source, utm_medium, utm_campaign, country, region, city, latitude,
       longitude, device, browser, os, returning_visitor /*conversions*/, utm_term, utm_content,
       click_id/**/)
     select $1, 's' || i, 'v' || floor($3::int * power(random(), 1.5))::int,
       date_trunc('hour', t, tz), t, t + make_interval(secs => 30 * pv + random() * 120),
       '/p/' || floor(200 * power(random(), 2))::int, '/p/' || floor(200 * power(random(), 2))::int,
       pv, (pv * 20000 * random())::bigint, (random() * 100)::int, (random() * 10)::int,
       r.host, r.cls, r.src, r.med, r.camp, g.country, g.region, g.city, g.lat, g.lon,
       c.device, c.browser, c.os, random() < 0.3 /*conversions*/,
       case when x.ri = 8 then 'term' || (i % 5) else '' end,
       case when x.ri = 8 then 'content' || (i % 3) else '' end,
       case when x.ri in (4, 5) and i % 3 = 0 then 'gclid' when x.ri = 6 and i % 4 = 0 then 'fbclid'
         else '' end/**/
     from generate_series(1, $2::int) i
     cross join lateral (
       select now() - make_interval(secs => random() * $4::int * 86400) as t,
         case when random() < 0.35 then 1 else 2 + floor(random() * 4)::int end as pv,
         (select timezone from public.sites where id = $1) as tz,
         floor(40 * power(random(), 2))::int as gi, floor(random() * 6)::int as ci,
         floor(12 * power(random(), 2))::int as ri, i as seed) x
     cross join lateral (select 'C' || x.gi as country, 'R' || x.gi || '-' || (x.seed % 5) as region,
         'City ' || x.gi || '-' || (x.seed % 20) as city, -60 + x.gi * 3.0 as lat, -170 + x.gi * 8.5 as lon) g
     cross join lateral (select (array['desktop','desktop','mobile','mobile','tablet','other'])[x.ci + 1] as device,
         (array['Chrome','Safari','Firefox','Edge','Chrome','Samsung'])[x.ci + 1] as browser,
         (array['Windows','iOS','Linux','macOS','Android','Android'])[x.ci + 1] as os) c
     cross join lateral (select case when x.ri < 4 then '' else 'ref' || x.ri || '.example' end as host,
         (array['direct','direct','direct','direct','search','search','social','social','email','other','other','other'])[x.ri + 1] as cls,
         case when x.ri in (6, 8) then 'src' || x.ri else '' end as src,
         case when x.ri in (6, 8) then 'med' || x.ri else '' end as med,
         case when x.ri in (6, 8) then 'camp' || (x.seed % 7) else '' end as camp) r
     -- In start order, as ingest_batch appends them: a range's sessions share heap pages.
     order by x.t`,
  ],
  [
    'session_pages',
    // The session's country too (0007_read_paths.sql), as ingest_batch copies it from the
    // stored session; /*country*/ marks what a schema without the column leaves out.
    // View times (n-th page view 30 s after the (n-1)-th) and scroll depth (none for a fifth:
    // the tracker's core build) from 0010 on; /*conversions*/ marks what older schemas lack.
    `insert into public.session_pages (site_id, session_id, path, visitor_id, hour, pageviews,
       engaged_ms /*country*/, country/**/ /*conversions*/, first_viewed_at, viewed_at,
       max_scroll/**/)
     select s.site_id, s.session_id, v.path, s.visitor_id, s.hour, count(*),
       sum(s.engaged_ms / s.pageviews) /*country*/, s.country/**/ /*conversions*/, min(v.at),
       array_agg(v.at order by v.at),
       case when hashtext(s.session_id) % 5 <> 0 then (10 + random() * 90)::smallint end/**/
     from public.sessions s
     cross join lateral (
       select case when n = 1 then s.entry_path when n = s.pageviews then s.exit_path
                   else '/p/' || floor(200 * power(random(), 2))::int end as path,
         s.started_at + (n - 1) * interval '30 seconds' as at
       from generate_series(1, s.pageviews) n) v
     where s.site_id = $1
     group by s.site_id, s.session_id, v.path, s.visitor_id, s.hour, s.country
     order by 5`,
  ],
  [
    'session_events',
    `insert into public.session_events (site_id, session_id, name, visitor_id, hour, events)
     select s.site_id, s.session_id, 'event_' || floor(6 * power(random(), 2))::int, s.visitor_id, s.hour, 1
     from public.sessions s
     where s.site_id = $1 and random() < 0.25
     order by s.hour`,
  ],
  [
    'event_log',
    // What a session did besides pages (0010): its custom events (with properties; event_0 as
    // a purchase with revenue), a few outbound clicks, downloads and 404s, and web vitals for
    // 15 % of page rows (sites that turn vitals on).
    `insert into public.event_log (site_id, session_id, event_id, visitor_id, hour, at, type,
       name, path, props, revenue, currency, lcp, inp, cls, ttfb, fcp)
     select x.* from (
       select e.site_id, e.session_id, 'c' || e.session_id, e.visitor_id, e.hour,
         s.started_at + interval '20 seconds', 'custom', e.name, s.exit_path,
         jsonb_build_object('plan', case when random() < 0.3 then 'pro' else 'basic' end,
                            'items', 1 + floor(random() * 4)::int),
         case when e.name = 'event_0' then round((5 + random() * 200)::numeric, 2) end,
         case when e.name = 'event_0' then 'EUR' end,
         null::real, null::real, null::real, null::real, null::real
       from public.session_events e
       join public.sessions s on s.site_id = e.site_id and s.session_id = e.session_id
       where e.site_id = $1
       union all
       select s.site_id, s.session_id, 'l' || s.session_id, s.visitor_id, s.hour,
         s.started_at + interval '40 seconds',
         case when h % 100 < 5 then 'outbound' when h % 100 < 7 then 'download' else 'custom' end,
         case when h % 100 < 5 then 'https://out' || (h % 20) || '.example/'
              when h % 100 < 7 then 'https://cdn.example/file' || (h % 10) || '.pdf' else '404' end,
         s.exit_path,
         case when h % 100 >= 7 then jsonb_build_object('path', '/gone/' || (h % 50)) end,
         null, null, null, null, null, null, null
       from public.sessions s
       cross join lateral (select abs(hashtext(s.session_id || 'l')) as h) k
       where s.site_id = $1 and k.h % 100 < 8
       union all
       select p.site_id, p.session_id, 'v' || p.session_id || p.path, p.visitor_id, p.hour,
         p.first_viewed_at + interval '10 seconds', 'vitals', p.path, p.path, null, null, null,
         (300 + random() * 3000)::real, case when random() < 0.7 then (20 + random() * 500)::real end,
         (random() * 0.4)::real, (50 + random() * 800)::real, (150 + random() * 2000)::real
       from public.session_pages p
       where p.site_id = $1 and abs(hashtext(p.session_id || p.path)) % 20 < 3
     ) x
     order by 5`,
  ],
  [
    'page_scroll',
    `insert into public.page_scroll (site_id, path, hour, visits, scroll_sum)
     select p.site_id, p.path, p.hour, count(*), sum(p.max_scroll)
     from public.session_pages p
     where p.site_id = $1 and p.max_scroll is not null
     group by 1, 2, 3
     order by 3`,
  ],
  [
    'visitors',
    `insert into public.visitors (site_id, visitor_id, first_seen, last_seen, last_path, sessions,
       pageviews, engaged_ms, max_scroll, interactions, value_score, country, region, city,
       latitude, longitude, device, browser, os, first_referrer_host, first_referrer_class,
       utm_source, utm_medium, utm_campaign)
     select distinct on (s.visitor_id) $1, s.visitor_id, a.first_seen, a.last_seen, s.exit_path,
       a.sessions, a.pageviews, a.engaged_ms, a.max_scroll, a.interactions,
       least(100, a.sessions * 7 + a.pageviews), s.country, s.region, s.city, s.latitude,
       s.longitude, s.device, s.browser, s.os, s.referrer_host, s.referrer_class, s.utm_source,
       s.utm_medium, s.utm_campaign
     from public.sessions s
     join (
       select visitor_id, min(started_at) as first_seen, max(last_seen) as last_seen,
         count(*) as sessions, sum(pageviews) as pageviews, sum(engaged_ms) as engaged_ms,
         max(max_scroll) as max_scroll, sum(interactions) as interactions
       from public.sessions where site_id = $1 group by 1
     ) a on a.visitor_id = s.visitor_id
     where s.site_id = $1
     order by s.visitor_id, s.last_seen desc`,
  ],
];

const keyOf = (name: string): string => KEYS.find((k) => k.name === name)!.key;

/**
 * The site total and every dimension that is a column of a session row (src/dimensions.ts):
 * (dimension, value in a session row `s`, visitor_days key). Constants, never input.
 */
const SESSION_DIMENSIONS: [string, string, string][] = [
  [SITE_TOTAL.name, "''", SITE_TOTAL.key],
  ...DIMENSIONS.filter((d) => 'column' in d).map((d): [string, string, string] => [
    d.name,
    `s.${d.column}`,
    d.key,
  ]),
];

/**
 * (dimension, value, visitor, local day, measures) of one dimension, as a subquery over the
 * site's rows. 'page@country' stands for the pages within each country (dimension
 * 'page@<country>', daily rollups only).
 */
function dimensionRows(dimension: string): string {
  if (dimension === 'page@country') {
    // session_pages.country is the session's (generated rows all carry it).
    return `select 'page@' || p.country as dim, p.path as value, p.visitor_id, p.hour,
              1 as visits, p.pageviews, 0 as bounces, p.engaged_ms
            from public.session_pages p where p.site_id = $1
            union all
            select 'page@' || s.country, s.entry_path, s.visitor_id, s.hour, 0, 0, 1, 0
            from public.sessions s where s.site_id = $1 and s.pageviews = 1`;
  }
  if (dimension === 'page') {
    // A page's visits and engaged time come from session_pages; its bounces are those of the
    // sessions that entered on it.
    return `select 'page' as dim, p.path as value, p.visitor_id, p.hour, 1 as visits, p.pageviews,
              0 as bounces, p.engaged_ms
            from public.session_pages p where p.site_id = $1
            union all
            select 'page', s.entry_path, s.visitor_id, s.hour, 0, 0, 1, 0
            from public.sessions s where s.site_id = $1 and s.pageviews = 1`;
  }
  if (dimension === 'event') {
    return `select 'event' as dim, e.name as value, e.visitor_id, e.hour, 1 as visits,
              e.events as pageviews,
              0 as bounces, 0::bigint as engaged_ms
            from public.session_events e where e.site_id = $1`;
  }
  const expr = SESSION_DIMENSIONS.find(([d]) => d === dimension)![1];
  return `select '${dimension}' as dim, ${expr} as value, s.visitor_id, s.hour, 1 as visits,
            s.pageviews,
            (s.pageviews = 1)::int as bounces, s.engaged_ms
          from public.sessions s where s.site_id = $1`;
}

/**
 * Per dimension (one pass each, so every sort fits in memory): the hourly rollups, the daily
 * rollups, and the unique-visitor counts of each (value, day) from the chain "active day ->
 * previous active day" of each (value, visitor).
 */
function dimensionSteps(dimension: string): [string, string][] {
  const rows = dimensionRows(dimension);
  const hourly = dimension !== 'page@country';
  // A day's measures: from the hourly rollups where there are some.
  const measures = hourly
    ? `select r.dimension as dim, r.value, (r.hour at time zone st.timezone)::date as day,
         sum(r.visits) as visits, sum(r.pageviews) as pageviews, sum(r.bounces) as bounces,
         sum(r.engaged_ms) as engaged_ms
       from public.rollups r join public.sites st on st.id = r.site_id
       where r.site_id = $1 and r.dimension = '${dimension}'
       group by 1, 2, 3`
    : `select x.dim, x.value, (x.hour at time zone st.timezone)::date as day,
         sum(x.visits) as visits, sum(x.pageviews) as pageviews, sum(x.bounces) as bounces,
         sum(x.engaged_ms) as engaged_ms
       from (${rows}) x cross join public.sites st
       where st.id = $1
       group by 1, 2, 3`;
  const steps: [string, string][] = [
    [
      `rollups ${dimension || "''"}`,
      `insert into public.rollups (site_id, dimension, value, hour, visits, pageviews, bounces, engaged_ms)
       select $1, x.dim, x.value, x.hour, sum(x.visits), sum(x.pageviews), sum(x.bounces),
         sum(x.engaged_ms)
       from (${rows}) x
       group by x.dim, x.value, x.hour
       order by x.hour`,
    ],
    [
      `daily_rollups ${dimension || "''"}`,
      `insert into public.daily_rollups (site_id, dimension, value, day, visits, pageviews,
         bounces, engaged_ms, new_visitors, returning_by_gap)
       select $1, coalesce(m.dim, u.dim), coalesce(m.value, u.value), coalesce(m.day, u.day),
         coalesce(m.visits, 0), coalesce(m.pageviews, 0), coalesce(m.bounces, 0),
         coalesce(m.engaged_ms, 0), coalesce(u.new_visitors, 0), coalesce(u.returning_by_gap, '{}')
       from (${measures}) m
       full join (
         select g.dim, g.value, g.day,
           coalesce(sum(g.n) filter (where g.gap is null), 0)::int as new_visitors,
           private.gap_counts(array_agg(g.gap) filter (where g.gap is not null),
                              array_agg(g.n) filter (where g.gap is not null)) as returning_by_gap
         from (
           select c.dim, c.value, c.day, c.gap, count(*)::int as n
           from (
             select a.dim, a.value, a.day,
               a.day - lag(a.day) over (partition by a.dim, a.value, a.visitor_id order by a.day)
                 as gap
             from (
               select x.dim, x.value, x.visitor_id, (x.hour at time zone st.timezone)::date as day
               from (${rows}) x cross join public.sites st
               where st.id = $1 and x.visits > 0
               group by 1, 2, 3, 4
             ) a
           ) c
           group by 1, 2, 3, 4
         ) g
         group by 1, 2, 3
       ) u on u.dim = m.dim and u.value = m.value and u.day = m.day
       -- Day by day, as ingest_batch appends them.
       order by 4, 2, 3`,
    ],
  ];
  return hourly ? steps : steps.slice(1);
}

const visitorDaysStep = (dims: [string, string, string][]): [string, string] => [
  'visitor_days',
  `insert into public.visitor_days (site_id, visitor_id, day, dims)
   select $1, k.visitor_id, k.day, jsonb_object_agg(k.key, k.hits)
   from (
     select x.visitor_id, x.day, x.key, count(*)::int as hits
     from (
       select s.visitor_id, (s.hour at time zone st.timezone)::date as day,
         unnest(array[${dims.map(([, expr, code]) => `'${code}' || ${expr}`).join(', ')}]) as key
       from public.sessions s join public.sites st on st.id = s.site_id
       where s.site_id = $1
       union all
       select p.visitor_id, (p.hour at time zone st.timezone)::date, '${keyOf('page')}' || p.path
       from public.session_pages p join public.sites st on st.id = p.site_id where p.site_id = $1
       /*country*/union all
       select p.visitor_id, (p.hour at time zone st.timezone)::date,
         '${PAGE_IN_COUNTRY.key}' || p.country || E'\\x1f' || p.path
       from public.session_pages p join public.sites st on st.id = p.site_id where p.site_id = $1/**/
       union all
       select e.visitor_id, (e.hour at time zone st.timezone)::date, '${keyOf('event')}' || e.name
       from public.session_events e join public.sites st on st.id = e.site_id where e.site_id = $1
     ) x
     group by 1, 2, 3
   ) k
   group by k.visitor_id, k.day`,
];

/** visitor_days as bench/baseline (the first version) lays it out: one row per dimension. */
const visitorDaysPerDimensionStep = (dims: [string, string, string][]): [string, string] => [
  'visitor_days',
  `insert into public.visitor_days (site_id, dimension, value, visitor_id, day, hits)
   select $1, x.dimension, x.value, x.visitor_id, x.day, count(*)
   from (
     select d.dimension, d.value, s.visitor_id, (s.hour at time zone st.timezone)::date as day
     from public.sessions s
     join public.sites st on st.id = s.site_id
     cross join lateral (values ${dims.map(([d, expr]) => `('${d}', ${expr})`).join(', ')}) d(dimension, value)
     where s.site_id = $1
     union all
     select 'page', p.path, p.visitor_id, (p.hour at time zone st.timezone)::date
     from public.session_pages p join public.sites st on st.id = p.site_id where p.site_id = $1
     union all
     select 'event', e.name, e.visitor_id, (e.hour at time zone st.timezone)::date
     from public.session_events e join public.sites st on st.id = e.site_id where e.site_id = $1
   ) x
   group by x.dimension, x.value, x.visitor_id, x.day`,
];

// Secondary indexes dropped before the load and built again after it (one sort each instead of
// an insertion per row), where the schema has them.
const REBUILT_INDEXES = [
  'daily_rollups_value',
  'sessions_country',
  'session_pages_country',
  'session_pages_unknown_country',
  'session_pages_path',
  'event_log_name',
  'event_log_vitals',
  'event_log_unknown_hour',
];

// Tables only inserted into by the steps (no ON CONFLICT on them): their primary keys are
// rebuilt after the load. Names and columns are constants, never input.
const BULK_LOADED = [
  'session_pages',
  'rollups',
  'daily_rollups',
  'visitor_days',
  'event_log',
] as const;
const PRIMARY_KEYS: Record<(typeof BULK_LOADED)[number], string> = {
  event_log: 'site_id, session_id, event_id',
  session_pages: 'site_id, session_id, path',
  rollups: 'site_id, dimension, hour, value',
  daily_rollups: 'site_id, dimension, day, value',
  visitor_days: 'site_id, visitor_id, day',
};

export interface GenerateOptions {
  /**
   * Also fill visitor_days (which only ingest_batch reads, to chain a visitor's active days;
   * no report reads it). Default true; the query benchmarks turn it off at large volumes.
   */
  visitorDays?: boolean;
  /** The schema of bench/baseline: visitor_days with one row per dimension. */
  baselineLayout?: boolean;
}

/** Runs every step; returns seconds per step and the row count of each table. */
export async function generate(
  db: pg.Client,
  siteId: string,
  volume: Volume,
  log: (line: string) => void,
  options: GenerateOptions = {},
): Promise<{ seconds: Record<string, number>; rows: Record<string, number> }> {
  // Bulk generation, not OLTP: big sorts in memory, no JIT (it only slows these down).
  await db.query(`set work_mem = '1GB'`);
  await db.query(`set maintenance_work_mem = '1GB'`);
  await db.query('set jit = off');
  // Skip the per-row triggers (superuser only).
  await db.query('set session_replication_role = replica');
  // Bulk loads build a B-tree faster at the end (one sort) than row by row.
  const { rows: eventLog } = await db.query<{ t: string | null }>(
    `select to_regclass('public.event_log') as t`,
  );
  // The schema from 0010 on: the conversion tables and columns.
  const withConversions = eventLog[0]?.t != null;
  const bulkLoaded = BULK_LOADED.filter((t) => t !== 'event_log' || withConversions);
  for (const table of bulkLoaded) {
    await db.query(`alter table public.${table} drop constraint ${table}_pkey`);
  }
  const { rows: indexes } = await db.query<{ name: string; definition: string }>(
    `select indexname as name, indexdef as definition from pg_indexes
     where schemaname = 'public' and indexname = any($1)`,
    [REBUILT_INDEXES],
  );
  // Names come from the constant list above.
  for (const { name } of indexes) await db.query(`drop index public.${name}`);
  const { rows: columns } = await db.query(
    `select 1 from information_schema.columns
     where table_schema = 'public' and table_name = 'session_pages' and column_name = 'country'`,
  );
  const withCountry = columns.length > 0;
  // Dimensions whose sessions column an older schema (bench/baseline) does not have yet.
  const { rows: sessionColumns } = await db.query<{ name: string }>(
    `select column_name as name from information_schema.columns
     where table_schema = 'public' and table_name = 'sessions'`,
  );
  const has = new Set(sessionColumns.map((c) => c.name));
  const missing = new Set<string>(
    DIMENSIONS.filter((d) => 'column' in d && !has.has(d.column)).map((d) => d.name),
  );
  const sessionDims = SESSION_DIMENSIONS.filter(([d]) => !missing.has(d));
  const dimensions = [
    SITE_TOTAL.name,
    ...DIMENSIONS.map((d) => d.name).filter((d) => !missing.has(d)),
    // The pages within each country (the schema from 0007 on, which has session_pages.country).
    ...(withCountry && !options.baselineLayout ? ['page@country'] : []),
  ];
  const steps: [string, string][] = [
    ...STEPS.filter(
      ([name]) =>
        name !== 'visitors' &&
        (withConversions || (name !== 'event_log' && name !== 'page_scroll')),
    ),
    ...dimensions.flatMap(dimensionSteps),
    ...(options.visitorDays === false
      ? []
      : [
          options.baselineLayout
            ? visitorDaysPerDimensionStep(sessionDims)
            : visitorDaysStep(sessionDims),
        ]),
    ...STEPS.filter(([name]) => name === 'visitors'),
  ];
  const seconds: Record<string, number> = {};
  const rows: Record<string, number> = {};
  for (const [step, sql] of steps) {
    const started = performance.now();
    const params: unknown[] =
      step === 'sessions' ? [siteId, volume.sessions, volume.visitors, volume.days] : [siteId];
    let text = withCountry ? sql : sql.replace(/\/\*country\*\/.*?\/\*\*\//gs, '');
    if (!withConversions) text = text.replace(/\/\*conversions\*\/.*?\/\*\*\//gs, '');
    const result = await db.query(text, params);
    const table = step.split(' ')[0]!;
    seconds[table] =
      Math.round(((seconds[table] ?? 0) + (performance.now() - started) / 1000) * 10) / 10;
    rows[table] = (rows[table] ?? 0) + (result.rowCount ?? 0);
    log(
      `  ${step}: ${result.rowCount ?? 0} rows in ${Math.round((performance.now() - started) / 100) / 10} s`,
    );
    // Fresh statistics for the steps that read sessions back: with a second site in the same
    // database the planner otherwise thinks this site has no sessions and nests loops over them
    // (the visitors step of a 1 M site ran for minutes).
    if (step === 'sessions') await db.query('analyze public.sessions');
  }
  for (const table of bulkLoaded) {
    const started = performance.now();
    const columns =
      table === 'visitor_days' && options.baselineLayout
        ? 'site_id, dimension, value, visitor_id, day'
        : PRIMARY_KEYS[table];
    await db.query(`alter table public.${table} add primary key (${columns})`);
    log(`  ${table} primary key: ${Math.round((performance.now() - started) / 100) / 10} s`);
  }
  for (const { name, definition } of indexes) {
    const started = performance.now();
    await db.query(definition);
    log(`  ${name}: ${Math.round((performance.now() - started) / 100) / 10} s`);
  }
  await db.query('set session_replication_role = origin');
  for (const table of new Set(steps.map(([name]) => name.split(' ')[0]!))) {
    // Table names come from the constant lists above.
    await db.query(`vacuum analyze public.${table}`);
  }
  return { seconds, rows };
}
