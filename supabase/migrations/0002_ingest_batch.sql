-- ingest_batch(payload jsonb): applies one flush of the SiteLive Durable Object (the shape is
-- IngestBatch in packages/schema/src/ingest-batch.ts) in one transaction, set-based:
--   1. claim the batch id (a replay returns duplicate = true and changes nothing);
--   2. merge session running totals with GREATEST and derive, from the difference actually
--      applied (new state minus stored state, one row per session), the rollup deltas (per
--      dimension, value and hour), the visitor-day deltas (only where a session starts or its
--      exit page moves) and the visitor counters; visitors are upserted in the same statement;
--   3. page views, heartbeats and custom events feed session_pages / session_events and the
--      page / event rollups; raw events go to public.events when store_raw;
--   4. hourly and daily rollups, then visitor_days + the daily unique-visitor counts.
-- Rows of unknown sites are skipped (counted out of the result), not an error: a retry could
-- never succeed.
-- Performance (bench/ingest.ts): the payload's row counts are unknown to the planner (it
-- assumes 100 rows per jsonb_to_recordset, 1-2 after the join with sites), so results of the
-- same statement are combined by UNION ALL + GROUP BY or window functions rather than by joins
-- between CTEs, which it would plan as nested loops rescanning a CTE once per row.

-- A change to one (dimension, value) bucket: what rollups and visitor_days add.
create type private.dim_delta as (
  site_id text,
  dimension text,
  value text,
  hour timestamptz,
  day date,
  visitor_id text,
  visits integer,
  pageviews integer,
  bounces integer,
  engaged_ms bigint,
  hits integer
);

-- Element-wise sum of two integer arrays (missing entries are 0).
create function private.int_array_add(a integer[], b integer[]) returns integer[]
language sql immutable parallel safe as $$
  select coalesce(array_agg(coalesce(a[i], 0) + coalesce(b[i], 0) order by i), '{}')
  from generate_series(1, greatest(coalesce(cardinality(a), 0), coalesce(cardinality(b), 0))) i
$$;

-- Cumulative counts by gap: result[k] = sum of counts whose gap >= k (see daily_rollups).
create function private.gap_counts(gaps integer[], counts integer[]) returns integer[]
language sql immutable parallel safe as $$
  select coalesce(array_agg(n order by i), '{}')
  from (
    select i, coalesce(sum(u.c), 0)::integer as n
    from generate_series(1, coalesce((select max(g) from unnest(gaps) g), 0)) i
    left join unnest(gaps, counts) u(g, c) on u.g >= i
    group by i
  ) x
$$;

create function public.ingest_batch(payload jsonb) returns jsonb
language plpgsql
security invoker
set search_path = ''
set jit = off
as $$
declare
  v_batch text := payload ->> 'batch_id';
  v_store_raw boolean := coalesce((payload ->> 'store_raw')::boolean, false);
  v_rollups private.dim_delta[];
  v_days private.dim_delta[];
  v_event_rollups private.dim_delta[];
  v_event_days private.dim_delta[];
  n_events integer;
  n_sessions integer;
  n_visitors integer;
  v_result jsonb;
begin
  if v_batch is null or v_batch = '' then
    raise exception 'ingest_batch: batch_id is required' using errcode = '22023';
  end if;

  insert into public.applied_batches (batch_id, result) values (v_batch, '{}')
  on conflict (batch_id) do nothing;
  if not found then
    return jsonb_build_object('batch_id', v_batch, 'duplicate', true,
                              'events', 0, 'sessions', 0, 'visitors', 0);
  end if;

  -- One flush per site at a time: the diffs below read the stored state first, so two
  -- concurrent flushes of the same session must not interleave.
  perform pg_advisory_xact_lock(hashtextextended('sightline.ingest:' || x.site_id, 0))
  from (
    select distinct site_id from (
      select jsonb_array_elements(coalesce(payload -> 'sessions', '[]')) ->> 'site_id'
      union all select jsonb_array_elements(coalesce(payload -> 'events', '[]')) ->> 'site_id'
      union all select jsonb_array_elements(coalesce(payload -> 'visitors', '[]')) ->> 'site_id'
    ) as all_sites(site_id)
    where site_id is not null
    order by site_id
  ) as x;

  -- 2. Sessions: merge, then diff new against old state; visitors in the same statement.
  -- A stored session keeps its bucket, visitor and dimensions (only counters, last_seen and the
  -- exit page move), so its difference is one row per session: the counter deltas, plus the
  -- exit page it leaves (-1) and the one it reaches (+1). Only a new session or a moved exit
  -- page changes visits and visitor days; everything else only adds page views, bounces and
  -- engaged time to the rollups.
  with raw as (
    select s.*, st.timezone
    from jsonb_to_recordset(coalesce(payload -> 'sessions', '[]')) as s(
      site_id text, session_id text, visitor_id text, started_at timestamptz,
      last_seen timestamptz, entry_path text, exit_path text, pageviews integer,
      engaged_ms bigint, max_scroll integer, interactions integer, referrer_host text,
      referrer_class text, utm_source text, utm_medium text, utm_campaign text,
      "returning" boolean, country text, region text, city text, latitude double precision,
      longitude double precision, device text, browser text, os text)
    join public.sites st on st.id = s.site_id
  ),
  incoming as (
    -- Several states of one session in one flush: counters by max, the rest from the latest.
    select distinct on (r.site_id, r.session_id) r.*,
      min(r.started_at) over k as m_started_at,
      max(r.pageviews) over k as m_pageviews,
      max(r.engaged_ms) over k as m_engaged_ms,
      max(r.max_scroll) over k as m_max_scroll,
      max(r.interactions) over k as m_interactions
    from raw r
    window k as (partition by r.site_id, r.session_id)
    order by r.site_id, r.session_id, r.last_seen desc, r.pageviews desc
  ),
  old as (
    select s.* from public.sessions s
    join incoming i on i.site_id = s.site_id and i.session_id = s.session_id
  ),
  up as (
    insert into public.sessions as s (
      site_id, session_id, visitor_id, hour, started_at, last_seen, entry_path, exit_path,
      pageviews, engaged_ms, max_scroll, interactions, referrer_host, referrer_class,
      utm_source, utm_medium, utm_campaign, country, region, city, latitude, longitude,
      device, browser, os, returning_visitor)
    select i.site_id, i.session_id, i.visitor_id,
      date_trunc('hour', i.m_started_at, i.timezone), i.m_started_at, i.last_seen,
      coalesce(i.entry_path, ''), coalesce(i.exit_path, ''), coalesce(i.m_pageviews, 0),
      coalesce(i.m_engaged_ms, 0), coalesce(i.m_max_scroll, 0), coalesce(i.m_interactions, 0),
      coalesce(i.referrer_host, ''), coalesce(i.referrer_class, ''), coalesce(i.utm_source, ''),
      coalesce(i.utm_medium, ''), coalesce(i.utm_campaign, ''), coalesce(i.country, ''),
      coalesce(i.region, ''), coalesce(i.city, ''), i.latitude, i.longitude,
      coalesce(i.device, ''), coalesce(i.browser, ''), coalesce(i.os, ''),
      coalesce(i."returning", false)
    from incoming i
    order by i.site_id, i.session_id
    -- Dimensions and the start are fixed at the first state (the bucket never moves); the
    -- exit page follows the latest state; counters only grow.
    on conflict (site_id, session_id) do update set
      last_seen = greatest(s.last_seen, excluded.last_seen),
      exit_path = case when excluded.last_seen >= s.last_seen then excluded.exit_path
                       else s.exit_path end,
      pageviews = greatest(s.pageviews, excluded.pageviews),
      engaged_ms = greatest(s.engaged_ms, excluded.engaged_ms),
      max_scroll = greatest(s.max_scroll, excluded.max_scroll),
      interactions = greatest(s.interactions, excluded.interactions)
    returning s.*
  ),
  diff as (
    -- New and stored state side by side, without a join (the planner cannot know how many rows
    -- the payload holds): a stored row differs from the new one only in its counters,
    -- last_seen and exit page, so both group into one row per session.
    select b.site_id, b.session_id, b.visitor_id, b.hour,
      (b.hour at time zone st.timezone)::date as day, b.started_at, b.entry_path,
      b.referrer_host, b.referrer_class, b.utm_source, b.utm_medium, b.utm_campaign,
      b.country, b.region, b.city, b.latitude, b.longitude, b.device, b.browser, b.os,
      max(b.last_seen) as last_seen,
      max(b.exit_path) filter (where b.sign = 1) as exit_path,
      max(b.pageviews) filter (where b.sign = 1) as pageviews,
      max(b.engaged_ms) filter (where b.sign = 1) as engaged_ms,
      max(b.max_scroll) as max_scroll,
      sum(b.sign)::integer as is_new,
      sum(b.sign * b.pageviews)::integer as d_pageviews,
      sum(b.sign * (b.pageviews = 1)::integer)::integer as d_bounces,
      sum(b.sign * b.engaged_ms)::bigint as d_engaged_ms,
      sum(b.sign * b.interactions)::integer as d_interactions,
      max(b.exit_path) filter (where b.sign = -1) as old_exit_path,
      max(b.pageviews) filter (where b.sign = -1) as old_pageviews,
      max(b.engaged_ms) filter (where b.sign = -1) as old_engaged_ms
    from (
      select u.*, 1 as sign from up u
      union all
      select o.*, -1 as sign from old o
    ) b
    join public.sites st on st.id = b.site_id
    group by b.site_id, b.session_id, b.visitor_id, b.hour, st.timezone, b.started_at,
      b.entry_path, b.referrer_host, b.referrer_class, b.utm_source, b.utm_medium,
      b.utm_campaign, b.country, b.region, b.city, b.latitude, b.longitude, b.device,
      b.browser, b.os
  ),
  dims as (
    -- visits = visitor-day hits: a new session adds one, an exit page that moves moves it.
    select d.site_id, x.dimension, x.value, d.hour, d.day, d.visitor_id, x.visits, x.pageviews,
      x.bounces, x.engaged_ms
    from diff d
    cross join lateral (values
      ('', '', d.is_new, d.d_pageviews, d.d_bounces, d.d_engaged_ms),
      ('entry_page', d.entry_path, d.is_new, d.d_pageviews, d.d_bounces, d.d_engaged_ms),
      ('referrer', d.referrer_host, d.is_new, d.d_pageviews, d.d_bounces, d.d_engaged_ms),
      ('referrer_class', d.referrer_class, d.is_new, d.d_pageviews, d.d_bounces, d.d_engaged_ms),
      ('country', d.country, d.is_new, d.d_pageviews, d.d_bounces, d.d_engaged_ms),
      ('region', d.region, d.is_new, d.d_pageviews, d.d_bounces, d.d_engaged_ms),
      ('city', d.city, d.is_new, d.d_pageviews, d.d_bounces, d.d_engaged_ms),
      ('device', d.device, d.is_new, d.d_pageviews, d.d_bounces, d.d_engaged_ms),
      ('browser', d.browser, d.is_new, d.d_pageviews, d.d_bounces, d.d_engaged_ms),
      ('os', d.os, d.is_new, d.d_pageviews, d.d_bounces, d.d_engaged_ms),
      ('utm_source', d.utm_source, d.is_new, d.d_pageviews, d.d_bounces, d.d_engaged_ms),
      ('utm_medium', d.utm_medium, d.is_new, d.d_pageviews, d.d_bounces, d.d_engaged_ms),
      ('utm_campaign', d.utm_campaign, d.is_new, d.d_pageviews, d.d_bounces, d.d_engaged_ms),
      -- A page's bounces are those of the sessions that entered (and so only saw) it.
      ('page', d.entry_path, 0, 0, d.d_bounces, 0::bigint),
      ('exit_page', d.exit_path, 1, d.pageviews, (d.pageviews = 1)::integer, d.engaged_ms),
      ('exit_page', d.old_exit_path, -1, -d.old_pageviews, -(d.old_pageviews = 1)::integer,
        -d.old_engaged_ms)
    ) as x(dimension, value, visits, pageviews, bounces, engaged_ms)
    where x.value is not null
      and (x.visits <> 0 or x.pageviews <> 0 or x.bounces <> 0 or x.engaged_ms <> 0)
  ),
  state as (
    select distinct on (v.site_id, v.visitor_id) v.*
    from jsonb_to_recordset(coalesce(payload -> 'visitors', '[]')) as v(
      site_id text, visitor_id text, first_seen timestamptz, last_seen timestamptz,
      last_path text, value_score integer, first_referrer_host text,
      first_referrer_class text, utm_source text, utm_medium text, utm_campaign text,
      country text, region text, city text, latitude double precision,
      longitude double precision, device text, browser text, os text)
    join public.sites st on st.id = v.site_id
    order by v.site_id, v.visitor_id, v.last_seen desc
  ),
  delta as (
    -- What the flush adds to each visitor's counters, with the context of its latest session
    -- for a visitor row the flush did not carry.
    select distinct on (d.site_id, d.visitor_id) d.site_id, d.visitor_id,
      sum(d.is_new) over w as sessions, sum(d.d_pageviews) over w as pageviews,
      sum(d.d_engaged_ms) over w as engaged_ms, sum(d.d_interactions) over w as interactions,
      max(d.max_scroll) over w as max_scroll, d.started_at, d.last_seen, d.exit_path,
      d.country, d.region, d.city, d.latitude, d.longitude, d.device, d.browser, d.os,
      d.referrer_host, d.referrer_class, d.utm_source, d.utm_medium, d.utm_campaign
    from diff d
    window w as (partition by d.site_id, d.visitor_id)
    order by d.site_id, d.visitor_id, d.last_seen desc
  ),
  src as (
    select
      coalesce(s.site_id, d.site_id) as site_id,
      coalesce(s.visitor_id, d.visitor_id) as visitor_id,
      coalesce(s.first_seen, d.started_at) as first_seen,
      coalesce(s.last_seen, d.last_seen) as last_seen,
      coalesce(s.last_path, d.exit_path, '') as last_path,
      coalesce(d.sessions, 0) as sessions,
      coalesce(d.pageviews, 0) as pageviews,
      coalesce(d.engaged_ms, 0) as engaged_ms,
      coalesce(d.max_scroll, 0) as max_scroll,
      coalesce(d.interactions, 0) as interactions,
      -- A visitor the flush carries no state for keeps its stored score.
      coalesce(s.value_score, cur.value_score, 0) as value_score,
      coalesce(s.country, d.country, '') as country,
      coalesce(s.region, d.region, '') as region,
      coalesce(s.city, d.city, '') as city,
      case when s.site_id is not null then s.latitude else d.latitude end as latitude,
      case when s.site_id is not null then s.longitude else d.longitude end as longitude,
      coalesce(s.device, d.device, '') as device,
      coalesce(s.browser, d.browser, '') as browser,
      coalesce(s.os, d.os, '') as os,
      coalesce(s.first_referrer_host, d.referrer_host, '') as first_referrer_host,
      coalesce(s.first_referrer_class, d.referrer_class, '') as first_referrer_class,
      coalesce(s.utm_source, d.utm_source, '') as utm_source,
      coalesce(s.utm_medium, d.utm_medium, '') as utm_medium,
      coalesce(s.utm_campaign, d.utm_campaign, '') as utm_campaign
    from state s
    full join delta d on d.site_id = s.site_id and d.visitor_id = s.visitor_id
    left join public.visitors cur
      on cur.site_id = coalesce(s.site_id, d.site_id)
      and cur.visitor_id = coalesce(s.visitor_id, d.visitor_id)
  ),
  upserted as (
    insert into public.visitors as v (
      site_id, visitor_id, first_seen, last_seen, last_path, sessions, pageviews, engaged_ms,
      max_scroll, interactions, value_score, country, region, city, latitude, longitude,
      device, browser, os, first_referrer_host, first_referrer_class, utm_source, utm_medium,
      utm_campaign)
    select src.site_id, src.visitor_id, src.first_seen, src.last_seen, src.last_path,
      src.sessions, src.pageviews, src.engaged_ms, src.max_scroll, src.interactions,
      src.value_score, src.country, src.region, src.city, src.latitude, src.longitude,
      src.device, src.browser, src.os, src.first_referrer_host, src.first_referrer_class,
      src.utm_source, src.utm_medium, src.utm_campaign
    from src
    order by 1, 2
    on conflict (site_id, visitor_id) do update set
      first_seen = least(v.first_seen, excluded.first_seen),
      last_seen = greatest(v.last_seen, excluded.last_seen),
      sessions = v.sessions + excluded.sessions,
      pageviews = v.pageviews + excluded.pageviews,
      engaged_ms = v.engaged_ms + excluded.engaged_ms,
      interactions = v.interactions + excluded.interactions,
      max_scroll = greatest(v.max_scroll, excluded.max_scroll),
      -- The latest state wins only if it is not older than the stored one.
      last_path = case when excluded.last_seen >= v.last_seen then excluded.last_path else v.last_path end,
      value_score = case when excluded.last_seen >= v.last_seen then excluded.value_score else v.value_score end,
      country = case when excluded.last_seen >= v.last_seen then excluded.country else v.country end,
      region = case when excluded.last_seen >= v.last_seen then excluded.region else v.region end,
      city = case when excluded.last_seen >= v.last_seen then excluded.city else v.city end,
      latitude = case when excluded.last_seen >= v.last_seen then excluded.latitude else v.latitude end,
      longitude = case when excluded.last_seen >= v.last_seen then excluded.longitude else v.longitude end,
      device = case when excluded.last_seen >= v.last_seen then excluded.device else v.device end,
      browser = case when excluded.last_seen >= v.last_seen then excluded.browser else v.browser end,
      os = case when excluded.last_seen >= v.last_seen then excluded.os else v.os end,
      -- First-touch attribution belongs to the earliest state.
      first_referrer_host = case when excluded.first_seen < v.first_seen then excluded.first_referrer_host else v.first_referrer_host end,
      first_referrer_class = case when excluded.first_seen < v.first_seen then excluded.first_referrer_class else v.first_referrer_class end,
      utm_source = case when excluded.first_seen < v.first_seen then excluded.utm_source else v.utm_source end,
      utm_medium = case when excluded.first_seen < v.first_seen then excluded.utm_medium else v.utm_medium end,
      utm_campaign = case when excluded.first_seen < v.first_seen then excluded.utm_campaign else v.utm_campaign end
    returning 1
  )
  select
    (select count(*) from up),
    (select count(*) from upserted),
    -- Rollup deltas per (dimension, value, hour): a handful of rows per flush.
    (select array_agg(row(g.site_id, g.dimension, g.value, g.hour, g.day, null, g.visits,
        g.pageviews, g.bounces, g.engaged_ms, null)::private.dim_delta)
     from (
       select d.site_id, d.dimension, d.value, d.hour, d.day, sum(d.visits)::integer as visits,
         sum(d.pageviews)::integer as pageviews, sum(d.bounces)::integer as bounces,
         sum(d.engaged_ms)::bigint as engaged_ms
       from dims d
       group by 1, 2, 3, 4, 5
     ) g),
    -- Visitor-day deltas: only where a session starts or an exit page moves.
    (select array_agg(row(g.site_id, g.dimension, g.value, null, g.day, g.visitor_id, null,
        null, null, null, g.hits)::private.dim_delta)
     from (
       select d.site_id, d.dimension, d.value, d.day, d.visitor_id, sum(d.visits)::integer as hits
       from dims d
       where d.visits <> 0
       group by 1, 2, 3, 4, 5
       having sum(d.visits) <> 0
     ) g)
  into n_sessions, n_visitors, v_rollups, v_days;

  -- 3. Events: raw store, pages and custom events, bucketed with their session.
  with ev as (
    select e.*
    from jsonb_to_recordset(coalesce(payload -> 'events', '[]')) as e(
      id text, site_id text, type text, at timestamptz, session_id text, visitor_id text,
      path text, referrer_host text, referrer_class text, utm_source text, utm_medium text,
      utm_campaign text, name text, props jsonb, engaged_ms bigint, scroll integer,
      interactions integer, country text, region text, city text, latitude double precision,
      longitude double precision, device text, browser text, os text)
    join public.sites st on st.id = e.site_id
  ),
  raw_events as (
    insert into public.events (
      site_id, id, type, at, session_id, visitor_id, path, name, props, referrer_host,
      referrer_class, utm_source, utm_medium, utm_campaign, country, region, city, latitude,
      longitude, device, browser, os, engaged_ms, scroll, interactions)
    select e.site_id, e.id, e.type, e.at, e.session_id, e.visitor_id, coalesce(e.path, ''),
      coalesce(e.name, ''), e.props, coalesce(e.referrer_host, ''),
      coalesce(e.referrer_class, ''), coalesce(e.utm_source, ''), coalesce(e.utm_medium, ''),
      coalesce(e.utm_campaign, ''), coalesce(e.country, ''), coalesce(e.region, ''),
      coalesce(e.city, ''), e.latitude, e.longitude, coalesce(e.device, ''),
      coalesce(e.browser, ''), coalesce(e.os, ''), coalesce(e.engaged_ms, 0),
      coalesce(e.scroll, 0), coalesce(e.interactions, 0)
    from ev e
    where v_store_raw
    on conflict (site_id, id) do nothing
  ),
  grouped as (
    -- One row per (session, page) and (session, custom event), then its session's bucket (the
    -- stored session's start hour; the event's own hour for a session never flushed).
    select g.*, st.timezone,
      coalesce(s.hour, date_trunc('hour', g.first_at, st.timezone)) as bucket
    from (
      select e.site_id, e.session_id, (e.type = 'custom') as custom,
        case when e.type = 'custom' then e.name else e.path end as key,
        min(e.visitor_id) as visitor_id, min(e.at) as first_at,
        count(*) filter (where e.type in ('pageview', 'custom'))::integer as pageviews,
        coalesce(sum(e.engaged_ms) filter (where e.type = 'heartbeat'), 0)::bigint as engaged_ms
      from ev e
      where (e.type in ('pageview', 'heartbeat') and e.path is not null)
        or (e.type = 'custom' and coalesce(e.name, '') <> '')
      group by 1, 2, 3, 4
    ) g
    join public.sites st on st.id = g.site_id
    left join public.sessions s on s.site_id = g.site_id and s.session_id = g.session_id
  ),
  pages as (
    insert into public.session_pages as p (
      site_id, session_id, path, visitor_id, hour, pageviews, engaged_ms)
    select i.site_id, i.session_id, i.key, i.visitor_id, i.bucket, i.pageviews, i.engaged_ms
    from grouped i
    where not i.custom
    order by 1, 2, 3
    on conflict (site_id, session_id, path) do update set
      pageviews = p.pageviews + excluded.pageviews,
      engaged_ms = p.engaged_ms + excluded.engaged_ms
    -- xmax = 0 marks a freshly inserted row: the session's first view of this page.
    returning p.site_id, p.session_id, p.path as key, p.visitor_id, p.hour, (p.xmax = 0) as inserted
  ),
  customs as (
    insert into public.session_events as c (site_id, session_id, name, visitor_id, hour, events)
    select i.site_id, i.session_id, i.key, i.visitor_id, i.bucket, i.pageviews
    from grouped i
    where i.custom
    order by 1, 2, 3
    on conflict (site_id, session_id, name) do update set events = c.events + excluded.events
    returning c.site_id, c.session_id, c.name as key, c.visitor_id, c.hour, (c.xmax = 0) as inserted
  ),
  deltas as (
    -- The increments of grouped and the inserted flags of the upserts, side by side.
    select x.site_id, case when x.custom then 'event' else 'page' end as dimension,
      x.key as value, max(x.hour) as hour, max(x.day) as day, max(x.visitor_id) as visitor_id,
      coalesce(bool_or(x.inserted), false)::integer as visits, sum(x.pageviews)::integer as pageviews,
      sum(x.engaged_ms)::bigint as engaged_ms
    from (
      select i.site_id, i.session_id, i.custom, i.key, null::timestamptz as hour, null::date as day,
        null::text as visitor_id, null::boolean as inserted, i.pageviews,
        case when i.custom then 0 else i.engaged_ms end as engaged_ms
      from grouped i
      union all
      select w.site_id, w.session_id, w.custom, w.key, w.hour,
        (w.hour at time zone st.timezone)::date, w.visitor_id, w.inserted, 0, 0
      from (select *, false as custom from pages union all select *, true from customs) w
      join public.sites st on st.id = w.site_id
    ) x
    group by x.site_id, x.session_id, x.custom, x.key
  )
  select
    (select count(*) from ev),
    (select array_agg(row(g.site_id, g.dimension, g.value, g.hour, g.day, null, g.visits,
        g.pageviews, 0, g.engaged_ms, null)::private.dim_delta)
     from (
       select d.site_id, d.dimension, d.value, d.hour, d.day, sum(d.visits)::integer as visits,
         sum(d.pageviews)::integer as pageviews, sum(d.engaged_ms)::bigint as engaged_ms
       from deltas d
       group by 1, 2, 3, 4, 5
     ) g),
    (select array_agg(row(g.site_id, g.dimension, g.value, null, g.day, g.visitor_id, null,
        null, null, null, g.hits)::private.dim_delta)
     from (
       select d.site_id, d.dimension, d.value, d.day, d.visitor_id, sum(d.visits)::integer as hits
       from deltas d
       where d.visits <> 0
       group by 1, 2, 3, 4, 5
     ) g)
  into n_events, v_event_rollups, v_event_days;

  v_rollups := coalesce(v_rollups, '{}') || coalesce(v_event_rollups, '{}');
  v_days := coalesce(v_days, '{}') || coalesce(v_event_days, '{}');

  -- 4a. Rollups.
  insert into public.rollups as r (site_id, dimension, value, hour, visits, pageviews, bounces,
                                   engaged_ms)
  select d.site_id, d.dimension, d.value, d.hour, sum(d.visits), sum(d.pageviews),
    sum(d.bounces), sum(d.engaged_ms)
  from unnest(v_rollups) d
  group by 1, 2, 3, 4
  order by 1, 2, 4, 3
  on conflict (site_id, dimension, hour, value) do update set
    visits = r.visits + excluded.visits,
    pageviews = r.pageviews + excluded.pageviews,
    bounces = r.bounces + excluded.bounces,
    engaged_ms = r.engaged_ms + excluded.engaged_ms;

  insert into public.daily_rollups as r (site_id, dimension, value, day, visits, pageviews,
                                         bounces, engaged_ms)
  select d.site_id, d.dimension, d.value, d.day, sum(d.visits), sum(d.pageviews),
    sum(d.bounces), sum(d.engaged_ms)
  from unnest(v_rollups) d
  group by 1, 2, 3, 4
  order by 1, 2, 4, 3
  on conflict (site_id, dimension, day, value) do update set
    visits = r.visits + excluded.visits,
    pageviews = r.pageviews + excluded.pageviews,
    bounces = r.bounces + excluded.bounces,
    engaged_ms = r.engaged_ms + excluded.engaged_ms;

  -- 4b. Per-day visitor sets and the unique-visitor counts (see daily_rollups). Only keys whose
  -- set of active days changes are re-chained: each active day's link to the previous active
  -- day (its gap) is subtracted for the old chain and added for the new one.
  with t as (
    select d.site_id, d.dimension, d.value, d.visitor_id, d.day, sum(d.hits)::integer as dh
    from unnest(v_days) d
    group by 1, 2, 3, 4, 5
    having sum(d.hits) <> 0
  ),
  k as (select distinct t.site_id, t.dimension, t.value, t.visitor_id from t),
  pre as (
    select vd.site_id, vd.dimension, vd.value, vd.visitor_id, vd.day, vd.hits
    from public.visitor_days vd
    join k on k.site_id = vd.site_id and k.dimension = vd.dimension and k.value = vd.value
      and k.visitor_id = vd.visitor_id
  ),
  post as (
    select site_id, dimension, value, visitor_id, day,
      coalesce(pre.hits, 0) as old_hits,
      coalesce(pre.hits, 0) + coalesce(t.dh, 0) as hits
    from pre full join t using (site_id, dimension, value, visitor_id, day)
  ),
  chained as (
    -- A key is re-chained when one of its days becomes active or inactive.
    select p.*, bool_or((p.old_hits > 0) <> (p.hits > 0)) over (
      partition by p.site_id, p.dimension, p.value, p.visitor_id) as rechain
    from post p
  ),
  old_chain as (
    select site_id, dimension, value, day,
      coalesce(lag(day) over w, '-infinity'::date) as prev_day
    from chained where rechain and old_hits > 0
    window w as (partition by site_id, dimension, value, visitor_id order by day)
  ),
  new_chain as (
    select site_id, dimension, value, day,
      coalesce(lag(day) over w, '-infinity'::date) as prev_day
    from chained where rechain and hits > 0
    window w as (partition by site_id, dimension, value, visitor_id order by day)
  ),
  chain_delta as (
    select site_id, dimension, value, day, prev_day, sum(sign)::integer as visitors
    from (
      select o.*, -1 as sign from old_chain o
      union all
      select n.*, 1 as sign from new_chain n
    ) x
    group by 1, 2, 3, 4, 5
    having sum(sign) <> 0
  ),
  kept as (
    insert into public.visitor_days as vd (site_id, dimension, value, visitor_id, day, hits)
    select p.site_id, p.dimension, p.value, p.visitor_id, p.day, p.hits
    from post p
    where p.hits > 0 and p.hits <> p.old_hits
    order by 1, 2, 3, 4, 5
    on conflict (site_id, dimension, value, visitor_id, day) do update set hits = excluded.hits
  ),
  dropped as (
    delete from public.visitor_days vd
    using post p
    where p.hits <= 0 and p.old_hits > 0
      and vd.site_id = p.site_id and vd.dimension = p.dimension and vd.value = p.value
      and vd.visitor_id = p.visitor_id and vd.day = p.day
  ),
  by_day as (
    select c.site_id, c.dimension, c.value, c.day,
      coalesce(sum(c.visitors) filter (where c.prev_day = '-infinity'), 0)::integer as new_visitors,
      -- Most days of a flush only gain new visitors: skip the array work for them.
      case when bool_or(c.prev_day <> '-infinity') then private.gap_counts(
        array_agg(c.day - c.prev_day order by c.prev_day) filter (where c.prev_day <> '-infinity'),
        array_agg(c.visitors order by c.prev_day) filter (where c.prev_day <> '-infinity'))
      else '{}'::integer[] end as returning_by_gap
    from chain_delta c
    group by 1, 2, 3, 4
  )
  insert into public.daily_rollups as r (site_id, dimension, value, day, new_visitors,
                                         returning_by_gap)
  select b.site_id, b.dimension, b.value, b.day, b.new_visitors, b.returning_by_gap
  from by_day b
  order by 1, 2, 4, 3
  on conflict (site_id, dimension, day, value) do update set
    new_visitors = r.new_visitors + excluded.new_visitors,
    returning_by_gap = case when cardinality(excluded.returning_by_gap) = 0 then r.returning_by_gap
                            else private.int_array_add(r.returning_by_gap, excluded.returning_by_gap) end;

  v_result := jsonb_build_object('batch_id', v_batch, 'duplicate', false, 'events', n_events,
                                 'sessions', n_sessions, 'visitors', n_visitors);
  update public.applied_batches set result = v_result where batch_id = v_batch;
  return v_result;
end
$$;

-- Only the Worker (service_role) writes. Supabase and the devstack grant EXECUTE on new
-- functions in public to anon and authenticated by default privileges: take it back.
revoke execute on function public.ingest_batch(jsonb) from public, anon, authenticated;
grant execute on function public.ingest_batch(jsonb) to service_role;
