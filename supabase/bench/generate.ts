// Fills a site with N sessions' worth of history the way ingest_batch would have left it,
// set-based in SQL (never through the RPC: 10 million events would take hours that way).
// sessions, session_pages and session_events are drawn at random; rollups, visitor_days,
// daily_rollups (with the unique-visitor counts) and visitors are then derived from them with the same definitions
// ingest_batch applies, so the reading RPCs see realistic row counts and distributions.
import type pg from 'pg';

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
       longitude, device, browser, os, returning_visitor)
     select $1, 's' || i, 'v' || floor($3::int * power(random(), 1.5))::int,
       date_trunc('hour', t, tz), t, t + make_interval(secs => 30 * pv + random() * 120),
       '/p/' || floor(200 * power(random(), 2))::int, '/p/' || floor(200 * power(random(), 2))::int,
       pv, (pv * 20000 * random())::bigint, (random() * 100)::int, (random() * 10)::int,
       r.host, r.cls, r.src, r.med, r.camp, g.country, g.region, g.city, g.lat, g.lon,
       c.device, c.browser, c.os, random() < 0.3
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
         case when x.ri in (6, 8) then 'camp' || (x.seed % 7) else '' end as camp) r`,
  ],
  [
    'session_pages',
    `insert into public.session_pages (site_id, session_id, path, visitor_id, hour, pageviews, engaged_ms)
     select s.site_id, s.session_id, v.path, s.visitor_id, s.hour, count(*), sum(s.engaged_ms / s.pageviews)
     from public.sessions s
     cross join lateral (
       select case when n = 1 then s.entry_path when n = s.pageviews then s.exit_path
                   else '/p/' || floor(200 * power(random(), 2))::int end as path
       from generate_series(1, s.pageviews) n) v
     where s.site_id = $1
     group by 1, 2, 3, 4, 5`,
  ],
  [
    'session_events',
    `insert into public.session_events (site_id, session_id, name, visitor_id, hour, events)
     select s.site_id, s.session_id, 'event_' || floor(6 * power(random(), 2))::int, s.visitor_id, s.hour, 1
     from public.sessions s
     where s.site_id = $1 and random() < 0.25`,
  ],
  [
    'rollups',
    `insert into public.rollups (site_id, dimension, value, hour, visits, pageviews, bounces, engaged_ms)
     select $1, dimension, value, hour, sum(visits), sum(pageviews), sum(bounces), sum(engaged_ms)
     from (
       select d.dimension, d.value, s.hour, d.counted as visits, d.counted * s.pageviews as pageviews,
         (s.pageviews = 1)::int as bounces, d.counted * s.engaged_ms as engaged_ms
       from public.sessions s
       cross join lateral (values
         ('', '', 1), ('entry_page', s.entry_path, 1), ('exit_page', s.exit_path, 1),
         ('referrer', s.referrer_host, 1), ('referrer_class', s.referrer_class, 1),
         ('country', s.country, 1), ('region', s.region, 1), ('city', s.city, 1),
         ('device', s.device, 1), ('browser', s.browser, 1), ('os', s.os, 1),
         ('utm_source', s.utm_source, 1), ('utm_medium', s.utm_medium, 1),
         ('utm_campaign', s.utm_campaign, 1), ('page', s.entry_path, 0)) d(dimension, value, counted)
       where s.site_id = $1
       union all
       select 'page', p.path, p.hour, 1, p.pageviews, 0, p.engaged_ms
       from public.session_pages p where p.site_id = $1
       union all
       select 'event', e.name, e.hour, 1, e.events, 0, 0
       from public.session_events e where e.site_id = $1
     ) x
     group by 1, 2, 3, 4`,
  ],
  [
    'visitor_days',
    `insert into public.visitor_days (site_id, dimension, value, visitor_id, day, hits)
     select $1, dimension, value, visitor_id, day, count(*)
     from (
       select d.dimension, d.value, s.visitor_id, (s.hour at time zone st.timezone)::date as day
       from public.sessions s
       join public.sites st on st.id = s.site_id
       cross join lateral (values
         ('', ''), ('entry_page', s.entry_path), ('exit_page', s.exit_path),
         ('referrer', s.referrer_host), ('referrer_class', s.referrer_class),
         ('country', s.country), ('region', s.region), ('city', s.city),
         ('device', s.device), ('browser', s.browser), ('os', s.os),
         ('utm_source', s.utm_source), ('utm_medium', s.utm_medium),
         ('utm_campaign', s.utm_campaign)) d(dimension, value)
       where s.site_id = $1
       union all
       select 'page', p.path, p.visitor_id, (p.hour at time zone st.timezone)::date
       from public.session_pages p join public.sites st on st.id = p.site_id where p.site_id = $1
       union all
       select 'event', e.name, e.visitor_id, (e.hour at time zone st.timezone)::date
       from public.session_events e join public.sites st on st.id = e.site_id where e.site_id = $1
     ) x
     group by 1, 2, 3, 4, 5`,
  ],
  [
    'daily_rollups',
    `insert into public.daily_rollups (site_id, dimension, value, day, visits, pageviews, bounces, engaged_ms)
     select $1, r.dimension, r.value, (r.hour at time zone st.timezone)::date, sum(r.visits),
       sum(r.pageviews), sum(r.bounces), sum(r.engaged_ms)
     from public.rollups r join public.sites st on st.id = r.site_id
     where r.site_id = $1
     group by 1, 2, 3, 4`,
  ],
  [
    'daily_rollups (unique visitors)',
    `insert into public.daily_rollups as d (site_id, dimension, value, day, new_visitors, returning_by_gap)
     select $1, dimension, value, day, coalesce(sum(n) filter (where gap is null), 0),
       private.gap_counts(array_agg(gap order by gap) filter (where gap is not null),
                          array_agg(n order by gap) filter (where gap is not null))
     from (
       select dimension, value, day, gap, count(*)::int as n
       from (
         select dimension, value, day,
           day - lag(day) over (partition by dimension, value, visitor_id order by day) as gap
         from public.visitor_days where site_id = $1
       ) chained
       group by 1, 2, 3, 4
     ) by_gap
     group by 1, 2, 3, 4
     on conflict (site_id, dimension, day, value) do update set
       new_visitors = excluded.new_visitors, returning_by_gap = excluded.returning_by_gap`,
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

// Tables only inserted into by the steps (no ON CONFLICT on them): their primary keys are
// rebuilt after the load. Names and columns are constants, never input.
const BULK_LOADED = ['session_pages', 'rollups', 'visitor_days'] as const;
const PRIMARY_KEYS: Record<(typeof BULK_LOADED)[number], string> = {
  session_pages: 'site_id, session_id, path',
  rollups: 'site_id, dimension, hour, value',
  visitor_days: 'site_id, dimension, value, visitor_id, day',
};

/** Runs every step; returns seconds per step and the row count of each table. */
export async function generate(
  db: pg.Client,
  siteId: string,
  volume: Volume,
  log: (line: string) => void,
): Promise<{ seconds: Record<string, number>; rows: Record<string, number> }> {
  // Bulk generation, not OLTP: big sorts in memory, no JIT (it only slows these down).
  await db.query(`set work_mem = '512MB'`);
  await db.query(`set maintenance_work_mem = '1GB'`);
  await db.query('set jit = off');
  // Skip the per-row foreign-key triggers (superuser only): the rows reference one site.
  await db.query('set session_replication_role = replica');
  // Bulk loads build a B-tree faster at the end (one sort) than row by row.
  for (const table of BULK_LOADED) {
    await db.query(`alter table public.${table} drop constraint ${table}_pkey`);
  }
  const seconds: Record<string, number> = {};
  const rows: Record<string, number> = {};
  for (const [table, sql] of STEPS) {
    const started = performance.now();
    const params: unknown[] =
      table === 'sessions' ? [siteId, volume.sessions, volume.visitors, volume.days] : [siteId];
    const result = await db.query(sql, params);
    seconds[table] = Math.round((performance.now() - started) / 100) / 10;
    rows[table] = result.rowCount ?? 0;
    log(`  ${table}: ${rows[table]} rows in ${seconds[table]} s`);
  }
  for (const table of BULK_LOADED) {
    const started = performance.now();
    await db.query(`alter table public.${table} add primary key (${PRIMARY_KEYS[table]})`);
    log(`  ${table} primary key: ${Math.round((performance.now() - started) / 100) / 10} s`);
  }
  await db.query('set session_replication_role = origin');
  for (const table of new Set(STEPS.map(([name]) => name.split(' ')[0]!))) {
    // Table names come from the constant list above.
    await db.query(`vacuum analyze public.${table}`);
  }
  return { seconds, rows };
}
