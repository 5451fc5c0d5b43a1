-- Conversions: page paths without query strings, goals, funnels, custom-event properties,
-- revenue, outbound links, downloads, 404s, scroll depth and web vitals (docs/conversions.md).
-- The tables only; what reads and writes them (ingest_batch's steps, the report RPCs, the
-- policies, the checks on goals and funnels) is state in supabase/schemas.

-- 1. Query strings. The Worker splits an event's URL into its page (the path) and its
--    attribution (UTM parameters, the kind of ad click); other parameters are dropped unless
--    the site keeps them by name here (e.g. `q` for site search). Section 7 folds the paths
--    stored before this migration.
alter table public.sites
  add column if not exists allowed_query_params text[] not null default '{}'
    check (cardinality(allowed_query_params) <= 20);

alter table public.sessions
  add column if not exists utm_term text not null default '',
  add column if not exists utm_content text not null default '',
  -- The click-id parameter of the landing URL (gclid, fbclid, ...), by name; never its value.
  add column if not exists click_id text not null default '';

-- The three new dimensions (utm_term 'r', utm_content 's', click_id 't' in visitor_days keys:
-- src/dimensions.ts) have the value '' in every session stored so far, so their rollups are the
-- site total's ('' dimension), unique-visitor counts included, and every visitor day that has
-- the site-total key 'a' has theirs with the same hits. Written here, so that whole days read
-- from the rollups give what the sessions path computes for the same sessions.
insert into public.rollups (site_id, dimension, value, hour, visits, pageviews, bounces,
                            engaged_ms)
select r.site_id, d.dimension, '', r.hour, r.visits, r.pageviews, r.bounces, r.engaged_ms
from public.rollups r
cross join (values ('utm_term'), ('utm_content'), ('click_id')) d(dimension)
where r.dimension = ''
on conflict do nothing;
insert into public.daily_rollups (site_id, dimension, value, day, visits, pageviews, bounces,
                                  engaged_ms, new_visitors, returning_by_gap)
select r.site_id, d.dimension, '', r.day, r.visits, r.pageviews, r.bounces, r.engaged_ms,
  r.new_visitors, r.returning_by_gap
from public.daily_rollups r
cross join (values ('utm_term'), ('utm_content'), ('click_id')) d(dimension)
where r.dimension = ''
on conflict do nothing;
update public.visitor_days
set dims = dims || jsonb_build_object('r', dims -> 'a', 's', dims -> 'a', 't', dims -> 'a')
where dims ? 'a' and not dims ? 'r';

-- 2. When a page was viewed (funnels order a session's steps by time) and how far it was
--    scrolled (NULL: not measured, e.g. the tracker's core build). Rows from before this
--    migration have no view times (section 8 takes them from raw events where there are some).
alter table public.session_pages
  add column if not exists first_viewed_at timestamptz,
  -- The session's views of the page, in time order: the first 64 (funnels need the first view
  -- after a given moment; a page viewed more often than that in one session keeps its first 64).
  add column if not exists viewed_at timestamptz[] not null default '{}',
  add column if not exists max_scroll smallint;

-- Page goals and funnel steps read a page's rows in range (a pattern's paths come from the
-- rollups), index-only. Like session_pages_country (0007) it holds only rows that carry their
-- session's country, i.e. were written after their session: their hour is the session's. The
-- others are read per session (session_pages_unknown_country). It carries page views and the
-- first view (they change only when the session views the page again), not engaged time or
-- scroll depth, so heartbeats still update page rows in place (HOT).
create index if not exists session_pages_path on public.session_pages (site_id, path, hour)
  include (session_id, visitor_id, pageviews, first_viewed_at)
  where country is not null;

-- Scroll depth per page and local hour: the visits of the page that measured it and the sum of
-- their deepest points, so that a page's average over any range of hours is one small sum
-- (additive: no unique counts). ingest_batch adds what each flush changes.
create table if not exists public.page_scroll (
  site_id text not null, -- no FK: see sites_cleanup
  path text not null,
  hour timestamptz not null,
  visits bigint not null default 0,
  scroll_sum bigint not null default 0,
  primary key (site_id, path, hour)
);

-- 3. What a session did besides viewing pages: one row per custom event (with its properties
--    and revenue), outbound click, download and web-vitals report.
create table if not exists public.event_log (
  site_id text not null, -- no FK: see sites_cleanup
  session_id text not null,
  event_id text not null,
  visitor_id text not null,
  -- The session's local start hour, the bucket every report counts it in; NULL when its session
  -- was not stored yet when the event was written (then it is read through its session).
  hour timestamptz,
  at timestamptz not null,
  type text not null check (type in ('custom', 'outbound', 'download', 'vitals')),
  -- custom: the event name; outbound, download: the target without its query string; vitals:
  -- the page's path.
  name text not null,
  -- The page it happened on.
  path text not null,
  props jsonb,
  -- A payment in the currency's major unit (no conversion between currencies).
  revenue numeric,
  currency text check (currency ~ '^[A-Z]{3}$'),
  lcp real,
  inp real,
  cls real,
  ttfb real,
  fcp real,
  check ((revenue is null) = (currency is null)),
  primary key (site_id, session_id, event_id)
);
-- Event goals, links and funnel steps, index-only (rows never change once written).
create index if not exists event_log_name on public.event_log (site_id, type, name, hour)
  include (session_id, visitor_id, at, revenue, currency)
  where hour is not null and type <> 'vitals';
-- Web vitals per page: an index-only read of a page's metrics (vitals rows never change).
create index if not exists event_log_vitals on public.event_log (site_id, name, hour)
  include (lcp, inp, cls, ttfb, fcp)
  where hour is not null and type = 'vitals';
create index if not exists event_log_unknown_hour on public.event_log (site_id, session_id)
  where hour is null;

insert into private.retention (table_name, time_column, keep, why) values
  ('event_log', 'at', interval '400 days',
   'custom events, links, downloads and vitals of those sessions (properties, revenue, funnels)')
on conflict (table_name) do nothing;

-- 4. Goals: a custom event (optionally with one property's value) or a page path pattern
--    (`*` within a segment, `**` across: /checkout/*/done). Per site; the dashboard edits them.
create table if not exists public.goals (
  id bigint generated always as identity primary key,
  site_id text not null references public.sites (id) on delete cascade,
  name text not null check (char_length(name) between 1 and 120),
  event_name text check (char_length(event_name) between 1 and 64),
  page_path text check (char_length(page_path) between 1 and 1024 and page_path like '/%'),
  prop_key text check (char_length(prop_key) between 1 and 64),
  prop_value text check (char_length(prop_value) <= 256),
  created_at timestamptz not null default now(),
  check ((event_name is null) <> (page_path is null)),
  check ((prop_key is null) = (prop_value is null)),
  check (prop_key is null or event_name is not null),
  unique (site_id, name)
);

-- 5. Funnels: 2 to 8 ordered steps, each `{"page": "<pattern>"}` or `{"goal": <goal id>}`,
--    within one session, optionally within a time from the first step to the last.
create table if not exists public.funnels (
  id bigint generated always as identity primary key,
  site_id text not null references public.sites (id) on delete cascade,
  name text not null check (char_length(name) between 1 and 120),
  steps jsonb not null check (jsonb_typeof(steps) = 'array'
    and jsonb_array_length(steps) between 2 and 8),
  window_seconds integer check (window_seconds between 1 and 86400 * 31),
  created_at timestamptz not null default now(),
  unique (site_id, name)
);

-- 6. Content groups for the value score: pages matching a pattern belong to a group. A site
--    without rows gets the default shop groups (packages/schema/src/content-groups.ts).
create table if not exists public.content_groups (
  id bigint generated always as identity primary key,
  site_id text not null references public.sites (id) on delete cascade,
  content_group text not null
    check (content_group in ('product', 'informational', 'administrative')),
  path_pattern text not null
    check (char_length(path_pattern) between 1 and 1024 and path_pattern like '/%'),
  created_at timestamptz not null default now(),
  unique (site_id, path_pattern)
);

-- 7. Paths stored before this migration kept their query strings (`/products/mug?utm_source=x`
--    was a page of its own). Fold each into its page — the path, and with hash routing the hash
--    route, each without its query string (what the Worker keeps now, with no parameter
--    allowed) — so that rollups, unique visitors and session pages are what they would be had
--    the paths been clean from the start (test/path-fold.test.ts compares with such a
--    database). Plain SQL: a migration may not rely on functions from the schema files, so the
--    fold is spelled out where it is needed:
--      FOLD(p) = the part of p before its first '?' (up to a '#'), then the hash route (from
--                '#') before its own first '?'.
create temporary table fold_path on commit drop as
select d.site_id, d.path as old, case when strpos(d.path, '#') = 0
    then split_part(d.path, '?', 1)
    else split_part(split_part(d.path, '#', 1), '?', 1)
      || split_part(substr(d.path, strpos(d.path, '#')), '?', 1) end as new
from (
  select site_id, entry_path as path from public.sessions where entry_path like '%?%'
  union select site_id, exit_path from public.sessions where exit_path like '%?%'
  union select site_id, path from public.session_pages where path like '%?%'
  union select site_id, value from public.rollups
    where dimension in ('page', 'entry_page', 'exit_page') and value like '%?%'
  union select site_id, value from public.daily_rollups
    where (dimension in ('page', 'entry_page', 'exit_page') or dimension like 'page@%')
      and value like '%?%'
) d;
create index on fold_path (site_id, old);

-- 7a. Session pages: the rows of one session whose paths fold into the same page become one.
--     The kept row's hour and country are those of the variant with the earliest hour (the one
--     a clean database would have inserted first). Every other variant was counted as a visit
--     of its own page: those are taken off the rollups (7c) and the visitors' days (7d).
create temporary table fold_page_rows on commit drop as
select p.*, coalesce(f.new, p.path) as page,
  coalesce(p.country, s.country, '') as rollup_country, st.timezone
from public.session_pages p
left join fold_path f on f.site_id = p.site_id and f.old = p.path
left join public.sessions s on s.site_id = p.site_id and s.session_id = p.session_id
join public.sites st on st.id = p.site_id
where p.path like '%?%'
  or (p.site_id, p.session_id, p.path) in (
    select q.site_id, q.session_id, g.new
    from public.session_pages q
    join fold_path g on g.site_id = q.site_id and g.old = q.path);

create temporary table fold_page_kept on commit drop as
select distinct on (r.site_id, r.session_id, r.page) r.site_id, r.session_id, r.page, r.path,
  r.hour, r.country, r.visitor_id
from fold_page_rows r
order by r.site_id, r.session_id, r.page, r.hour, r.country nulls first, r.path;

-- The variants that were not kept, beside the kept row's hour.
create temporary table fold_extra_page on commit drop as
select r.site_id, r.session_id, r.visitor_id, r.page, r.hour, k.hour as kept_hour,
  r.rollup_country, r.timezone, r.pageviews, r.engaged_ms
from fold_page_rows r
join fold_page_kept k on k.site_id = r.site_id and k.session_id = r.session_id
  and k.page = r.page
where r.path <> k.path;

create temporary table fold_page_merged on commit drop as
select r.site_id, r.session_id, r.page as path, k.visitor_id, k.hour, k.country,
  sum(r.pageviews)::integer as pageviews, sum(r.engaged_ms)::bigint as engaged_ms
from fold_page_rows r
join fold_page_kept k on k.site_id = r.site_id and k.session_id = r.session_id
  and k.page = r.page
group by r.site_id, r.session_id, r.page, k.visitor_id, k.hour, k.country;

delete from public.session_pages p
using fold_page_rows r
where p.site_id = r.site_id and p.session_id = r.session_id and p.path = r.path;

-- (View times and scroll depth: none yet, the columns are new; section 8 fills them.)
insert into public.session_pages (site_id, session_id, path, visitor_id, hour, pageviews,
                                  engaged_ms, country)
select m.site_id, m.session_id, m.path, m.visitor_id, m.hour, m.pageviews, m.engaged_ms,
  m.country
from fold_page_merged m;

-- 7b. Sessions, visitors and raw events.
update public.sessions s set entry_path = f.new
from fold_path f where f.site_id = s.site_id and f.old = s.entry_path;
update public.sessions s set exit_path = f.new
from fold_path f where f.site_id = s.site_id and f.old = s.exit_path;
update public.visitors v set last_path = case when strpos(v.last_path, '#') = 0
    then split_part(v.last_path, '?', 1)
    else split_part(split_part(v.last_path, '#', 1), '?', 1)
      || split_part(substr(v.last_path, strpos(v.last_path, '#')), '?', 1) end
where v.last_path like '%?%';
update public.events e set path = case when strpos(e.path, '#') = 0
    then split_part(e.path, '?', 1)
    else split_part(split_part(e.path, '#', 1), '?', 1)
      || split_part(substr(e.path, strpos(e.path, '#')), '?', 1) end
where e.path like '%?%';
-- Link targets keep origin and path; notFound()'s path prop is a page like any other.
update public.events e set name = split_part(split_part(e.name, '?', 1), '#', 1)
where e.type in ('outbound', 'download') and (e.name like '%?%' or e.name like '%#%');
update public.events e set props = jsonb_set(e.props, '{path}', to_jsonb(
    case when strpos(e.props ->> 'path', '#') = 0 then split_part(e.props ->> 'path', '?', 1)
      else split_part(split_part(e.props ->> 'path', '#', 1), '?', 1)
        || split_part(substr(e.props ->> 'path', strpos(e.props ->> 'path', '#')), '?', 1) end))
where e.type = 'custom' and e.name = '404' and jsonb_typeof(e.props -> 'path') = 'string'
  and e.props ->> 'path' like '%?%';

-- 7c. Rollups: each folded value's rows added into its page's; then the extra variants' visits
--     taken off, their page views and engaged time moved to the kept row's hour (the same hour,
--     but for rows written before their session was stored).
create temporary table fold_rollup_delta on commit drop as
select r.site_id, r.dimension, f.new as value, r.hour, r.visits, r.pageviews, r.bounces,
  r.engaged_ms
from public.rollups r
join fold_path f on f.site_id = r.site_id and f.old = r.value
where r.dimension in ('page', 'entry_page', 'exit_page')
union all
select x.site_id, 'page', x.page, x.hour, -1, -x.pageviews, 0, -x.engaged_ms
from fold_extra_page x
union all
select x.site_id, 'page', x.page, x.kept_hour, 0, x.pageviews, 0, x.engaged_ms
from fold_extra_page x;

delete from public.rollups r
using fold_path f
where r.dimension in ('page', 'entry_page', 'exit_page') and f.site_id = r.site_id
  and f.old = r.value;

insert into public.rollups as r (site_id, dimension, value, hour, visits, pageviews, bounces,
                                 engaged_ms)
select d.site_id, d.dimension, d.value, d.hour, sum(d.visits), sum(d.pageviews), sum(d.bounces),
  sum(d.engaged_ms)
from fold_rollup_delta d
group by 1, 2, 3, 4
on conflict (site_id, dimension, hour, value) do update set
  visits = r.visits + excluded.visits,
  pageviews = r.pageviews + excluded.pageviews,
  bounces = r.bounces + excluded.bounces,
  engaged_ms = r.engaged_ms + excluded.engaged_ms;

-- The daily rollups' measures the same way, page@<country> included; their unique-visitor
-- counts are counted again in 7e.
create temporary table fold_daily_delta on commit drop as
select r.site_id, r.dimension, f.new as value, r.day, r.visits, r.pageviews, r.bounces,
  r.engaged_ms
from public.daily_rollups r
join fold_path f on f.site_id = r.site_id and f.old = r.value
where r.dimension in ('page', 'entry_page', 'exit_page') or r.dimension like 'page@%'
union all
select x.site_id, d.dimension, x.page, (x.hour at time zone x.timezone)::date, -1, -x.pageviews,
  0, -x.engaged_ms
from fold_extra_page x
cross join lateral (values ('page'), ('page@' || x.rollup_country)) d(dimension)
union all
select x.site_id, d.dimension, x.page, (x.kept_hour at time zone x.timezone)::date, 0,
  x.pageviews, 0, x.engaged_ms
from fold_extra_page x
cross join lateral (values ('page'), ('page@' || x.rollup_country)) d(dimension);

delete from public.daily_rollups r
using fold_path f
where (r.dimension in ('page', 'entry_page', 'exit_page') or r.dimension like 'page@%')
  and f.site_id = r.site_id and f.old = r.value;

insert into public.daily_rollups as r (site_id, dimension, value, day, visits, pageviews,
                                       bounces, engaged_ms)
select d.site_id, d.dimension, d.value, d.day, sum(d.visits), sum(d.pageviews), sum(d.bounces),
  sum(d.engaged_ms)
from fold_daily_delta d
group by 1, 2, 3, 4
on conflict (site_id, dimension, day, value) do update set
  visits = r.visits + excluded.visits,
  pageviews = r.pageviews + excluded.pageviews,
  bounces = r.bounces + excluded.bounces,
  engaged_ms = r.engaged_ms + excluded.engaged_ms;

-- 7d. Visitors' days: the keys of pages (b), entry pages (c), exit pages (d) and pages within a
--     country (q: country, E'\x1f', path) fold like the paths; a page's hits count sessions,
--     so the extra variants of 7a come off.
create temporary table fold_day_keys on commit drop as
select vd.site_id, vd.visitor_id, vd.day, k.key as old_key,
  case
    when k.key not like '%?%' then k.key
    when left(k.key, 1) in ('b', 'c', 'd') then left(k.key, 1) || case
      when strpos(k.key, '#') = 0 then split_part(substr(k.key, 2), '?', 1)
      else split_part(split_part(substr(k.key, 2), '#', 1), '?', 1)
        || split_part(substr(k.key, strpos(k.key, '#')), '?', 1) end
    when left(k.key, 1) = 'q' then left(k.key, strpos(k.key, E'\x1f')) || case
      when strpos(k.key, '#') = 0 then split_part(substr(k.key, strpos(k.key, E'\x1f') + 1), '?', 1)
      else split_part(split_part(substr(k.key, strpos(k.key, E'\x1f') + 1), '#', 1), '?', 1)
        || split_part(substr(k.key, strpos(k.key, '#')), '?', 1) end
    else k.key
  end as key,
  k.value::integer as hits
from public.visitor_days vd
cross join lateral jsonb_each_text(vd.dims) k
where (vd.site_id, vd.visitor_id, vd.day) in (
  select v.site_id, v.visitor_id, v.day from public.visitor_days v
  where v.dims::text like '%?%'
  union
  select x.site_id, x.visitor_id, (x.hour at time zone x.timezone)::date from fold_extra_page x)
union all
select x.site_id, x.visitor_id, (x.hour at time zone x.timezone)::date, null, k.key, -1
from fold_extra_page x
cross join lateral (values ('b' || x.page),
                           ('q' || x.rollup_country || E'\x1f' || x.page)) k(key);

create temporary table fold_days on commit drop as
select k.site_id, k.visitor_id, k.day,
  -- Hits as JSON strings, as ingest_batch writes them (18_ingest_visitor_days.sql).
  coalesce(jsonb_object_agg(k.key, k.hits::text) filter (where k.hits > 0), '{}') as dims
from (
  select site_id, visitor_id, day, key, sum(hits)::integer as hits
  from fold_day_keys group by 1, 2, 3, 4
) k
group by 1, 2, 3;

delete from public.visitor_days vd using fold_days f
where f.dims = '{}' and vd.site_id = f.site_id and vd.visitor_id = f.visitor_id
  and vd.day = f.day;
update public.visitor_days vd set dims = f.dims
from fold_days f
where f.dims <> '{}' and vd.site_id = f.site_id and vd.visitor_id = f.visitor_id
  and vd.day = f.day;

-- 7e. Unique visitors of every folded page, entry page and exit page (also within countries),
--     from the visitors' days as 7d left them: on each day a visitor counts as new (no earlier
--     active day with the key) or as returning after a gap (see daily_rollups). Days before
--     the site's earliest stored visitor day (retention) cannot be recounted: they keep the sum.
create temporary table fold_unique_keys on commit drop as
select distinct k.site_id, k.key,
  case left(k.key, 1) when 'b' then 'page' when 'c' then 'entry_page' when 'd' then 'exit_page'
    else 'page@' || split_part(substr(k.key, 2), E'\x1f', 1) end as dimension,
  case when left(k.key, 1) = 'q' then substr(k.key, strpos(k.key, E'\x1f') + 1)
    else substr(k.key, 2) end as value,
  (select min(vd.day) from public.visitor_days vd where vd.site_id = k.site_id) as since
from fold_day_keys k
where k.old_key is distinct from k.key;

create temporary table fold_uniques on commit drop as
select g.site_id, g.dimension, g.value, g.day,
  coalesce(sum(g.n) filter (where g.gap is null), 0)::integer as new_visitors,
  coalesce(array(
    select sum(u.n) filter (where u.gap >= k)::integer
    from unnest(array_agg(g.gap) filter (where g.gap is not null),
                array_agg(g.n) filter (where g.gap is not null)) u(gap, n)
    cross join generate_series(1, coalesce(max(g.gap), 0)) k
    group by k order by k), '{}') as returning_by_gap
from (
  select c.site_id, c.dimension, c.value, c.day, c.gap, count(*)::integer as n
  from (
    select u.site_id, u.dimension, u.value, vd.day,
      vd.day - lag(vd.day) over (partition by u.site_id, u.key, vd.visitor_id order by vd.day)
        as gap
    from fold_unique_keys u
    join public.visitor_days vd on vd.site_id = u.site_id and vd.dims ? u.key
  ) c
  group by 1, 2, 3, 4, 5
) g
group by 1, 2, 3, 4;

update public.daily_rollups r set new_visitors = 0, returning_by_gap = '{}'
from fold_unique_keys u
where r.site_id = u.site_id and r.dimension = u.dimension and r.value = u.value
  and r.day >= u.since;

insert into public.daily_rollups as r (site_id, dimension, value, day, new_visitors,
                                       returning_by_gap)
select f.site_id, f.dimension, f.value, f.day, f.new_visitors, f.returning_by_gap
from fold_uniques f
on conflict (site_id, dimension, day, value) do update set
  new_visitors = excluded.new_visitors,
  returning_by_gap = excluded.returning_by_gap;

-- 8. Sessions stored before this migration have no view times, scroll depth per page or event
--    log. Where raw events were kept (local and self-hosted), take them from there: the first
--    64 view times and the deepest scroll of each page of a session, and the custom events,
--    links and downloads (without revenue, which raw events never held). Vitals were never
--    stored raw.
--    Scroll depth too: a raw heartbeat's 0 is what the tracker's core build sent for "not
--    measured" (a measured depth is never 0: the viewport's share of the page at least).
update public.session_pages p
set first_viewed_at = v.first_at, viewed_at = coalesce(v.times, '{}'), max_scroll = v.scroll
from (
  select e.site_id, e.session_id, e.path, min(e.at) filter (where e.type = 'pageview') as first_at,
    (array_agg(e.at order by e.at) filter (where e.type = 'pageview'))[1:64] as times,
    nullif(max(e.scroll) filter (where e.type = 'heartbeat'), 0) as scroll
  from public.events e
  where e.type in ('pageview', 'heartbeat')
  group by 1, 2, 3
) v
where p.site_id = v.site_id and p.session_id = v.session_id and p.path = v.path
  and p.first_viewed_at is null and p.max_scroll is null;

insert into public.page_scroll (site_id, path, hour, visits, scroll_sum)
select p.site_id, p.path, p.hour, count(*), sum(p.max_scroll)
from public.session_pages p
where p.max_scroll is not null
group by 1, 2, 3;

insert into public.event_log (site_id, session_id, event_id, visitor_id, hour, at, type, name,
                              path, props)
select e.site_id, e.session_id, e.id, e.visitor_id, s.hour, e.at, e.type, e.name, e.path,
  case when e.type = 'custom' then e.props end
from public.events e
left join public.sessions s on s.site_id = e.site_id and s.session_id = e.session_id
where e.type in ('custom', 'outbound', 'download') and e.name <> ''
on conflict do nothing;
