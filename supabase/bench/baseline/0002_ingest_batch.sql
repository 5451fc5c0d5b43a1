-- ingest_batch(payload jsonb): applies one flush of the SiteLive Durable Object (the shape is
-- IngestBatch in packages/schema/src/ingest-batch.ts) in one transaction, set-based:
--   1. claim the batch id (a replay returns duplicate = true and changes nothing);
--   2. merge session running totals with GREATEST and derive, from the difference actually
--      applied (new state minus stored state), the deltas for rollups, visitor counters and the
--      per-day visitor sets;
--   3. page views, heartbeats and custom events feed session_pages / session_events and the
--      page / event rollups; raw events go to public.events when store_raw;
--   4. hourly and daily rollups, visitor_days + the daily unique-visitor counts, and visitors
--      are upserted.
-- Rows of unknown sites are skipped (counted out of the result), not an error: a retry could
-- never succeed.

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

-- What one flush adds to a visitor's counters, with the session's context for a visitor row
-- the flush did not carry.
create type private.visitor_delta as (
  site_id text,
  visitor_id text,
  sessions integer,
  pageviews integer,
  engaged_ms bigint,
  interactions integer,
  max_scroll integer,
  first_seen timestamptz,
  last_seen timestamptz,
  last_path text,
  country text,
  region text,
  city text,
  latitude double precision,
  longitude double precision,
  device text,
  browser text,
  os text,
  referrer_host text,
  referrer_class text,
  utm_source text,
  utm_medium text,
  utm_campaign text
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
  v_session_dims private.dim_delta[];
  v_event_dims private.dim_delta[];
  v_visitors private.visitor_delta[];
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

  -- 2. Sessions: merge, then diff new against old state.
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
  states as (
    select u.*, 1 as sign from up u
    union all
    select o.*, -1 as sign from old o
  ),
  dims as (
    select b.site_id, d.dimension, d.value, b.hour,
      (b.hour at time zone st.timezone)::date as day, b.visitor_id,
      sum(b.sign * d.counted)::integer as visits,
      sum(b.sign * d.counted * b.pageviews)::integer as pageviews,
      sum(b.sign * (b.pageviews = 1)::integer)::integer as bounces,
      sum(b.sign * d.counted * b.engaged_ms)::bigint as engaged_ms,
      sum(b.sign * d.counted)::integer as hits
    from states b
    join public.sites st on st.id = b.site_id
    cross join lateral (values
      ('', '', 1), ('entry_page', b.entry_path, 1), ('exit_page', b.exit_path, 1),
      ('referrer', b.referrer_host, 1), ('referrer_class', b.referrer_class, 1),
      ('country', b.country, 1), ('region', b.region, 1), ('city', b.city, 1),
      ('device', b.device, 1), ('browser', b.browser, 1), ('os', b.os, 1),
      ('utm_source', b.utm_source, 1), ('utm_medium', b.utm_medium, 1),
      ('utm_campaign', b.utm_campaign, 1),
      -- A page's bounces are those of the sessions that entered (and so only saw) it.
      ('page', b.entry_path, 0)
    ) as d(dimension, value, counted)
    group by 1, 2, 3, 4, 5, 6
  ),
  visitor_changes as (
    select b.site_id, b.visitor_id,
      sum(b.sign)::integer as sessions,
      sum(b.sign * b.pageviews)::integer as pageviews,
      sum(b.sign * b.engaged_ms)::bigint as engaged_ms,
      sum(b.sign * b.interactions)::integer as interactions,
      max(b.max_scroll) as max_scroll
    from states b
    group by 1, 2
  ),
  visitor_context as (
    select distinct on (u.site_id, u.visitor_id) u.*
    from up u
    order by u.site_id, u.visitor_id, u.last_seen desc
  )
  select
    (select count(*) from up),
    (select array_agg(row(d.site_id, d.dimension, d.value, d.hour, d.day, d.visitor_id,
        d.visits, d.pageviews, d.bounces, d.engaged_ms, d.hits)::private.dim_delta)
     from dims d
     where d.visits <> 0 or d.pageviews <> 0 or d.bounces <> 0 or d.engaged_ms <> 0),
    (select array_agg(row(c.site_id, c.visitor_id, c.sessions, c.pageviews, c.engaged_ms,
        c.interactions, c.max_scroll, x.started_at, x.last_seen, x.exit_path, x.country,
        x.region, x.city, x.latitude, x.longitude, x.device, x.browser, x.os,
        x.referrer_host, x.referrer_class, x.utm_source, x.utm_medium,
        x.utm_campaign)::private.visitor_delta)
     from visitor_changes c
     join visitor_context x on x.site_id = c.site_id and x.visitor_id = c.visitor_id)
  into n_sessions, v_session_dims, v_visitors;

  -- 3. Events: raw store, pages and custom events, bucketed with their session.
  with ev as (
    select e.*, st.timezone,
      coalesce(s.hour, date_trunc('hour', e.at, st.timezone)) as bucket
    from jsonb_to_recordset(coalesce(payload -> 'events', '[]')) as e(
      id text, site_id text, type text, at timestamptz, session_id text, visitor_id text,
      path text, referrer_host text, referrer_class text, utm_source text, utm_medium text,
      utm_campaign text, name text, props jsonb, engaged_ms bigint, scroll integer,
      interactions integer, country text, region text, city text, latitude double precision,
      longitude double precision, device text, browser text, os text)
    join public.sites st on st.id = e.site_id
    left join public.sessions s on s.site_id = e.site_id and s.session_id = e.session_id
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
  page_in as (
    select e.site_id, e.session_id, e.path, min(e.visitor_id) as visitor_id,
      min(e.bucket) as bucket,
      count(*) filter (where e.type = 'pageview')::integer as pageviews,
      coalesce(sum(e.engaged_ms) filter (where e.type = 'heartbeat'), 0)::bigint as engaged_ms
    from ev e
    where e.type in ('pageview', 'heartbeat') and e.path is not null
    group by 1, 2, 3
  ),
  pages as (
    insert into public.session_pages as p (
      site_id, session_id, path, visitor_id, hour, pageviews, engaged_ms)
    select i.site_id, i.session_id, i.path, i.visitor_id, i.bucket, i.pageviews, i.engaged_ms
    from page_in i
    order by 1, 2, 3
    on conflict (site_id, session_id, path) do update set
      pageviews = p.pageviews + excluded.pageviews,
      engaged_ms = p.engaged_ms + excluded.engaged_ms
    -- xmax = 0 marks a freshly inserted row: the session's first view of this page.
    returning p.site_id, p.session_id, p.path, p.visitor_id, p.hour, (p.xmax = 0) as inserted
  ),
  custom_in as (
    select e.site_id, e.session_id, e.name, min(e.visitor_id) as visitor_id,
      min(e.bucket) as bucket, count(*)::integer as events
    from ev e
    where e.type = 'custom' and coalesce(e.name, '') <> ''
    group by 1, 2, 3
  ),
  customs as (
    insert into public.session_events as c (site_id, session_id, name, visitor_id, hour, events)
    select i.site_id, i.session_id, i.name, i.visitor_id, i.bucket, i.events
    from custom_in i
    order by 1, 2, 3
    on conflict (site_id, session_id, name) do update set events = c.events + excluded.events
    returning c.site_id, c.session_id, c.name, c.visitor_id, c.hour, (c.xmax = 0) as inserted
  ),
  deltas as (
    select p.site_id, 'page'::text as dimension, p.path as value, p.hour, p.visitor_id,
      p.inserted::integer as visits, i.pageviews, i.engaged_ms
    from pages p
    join page_in i on i.site_id = p.site_id and i.session_id = p.session_id and i.path = p.path
    union all
    select c.site_id, 'event', c.name, c.hour, c.visitor_id, c.inserted::integer, i.events, 0
    from customs c
    join custom_in i on i.site_id = c.site_id and i.session_id = c.session_id and i.name = c.name
  )
  select
    (select count(*) from ev),
    (select array_agg(row(d.site_id, d.dimension, d.value, d.hour,
        (d.hour at time zone st.timezone)::date, d.visitor_id, d.visits, d.pageviews, 0,
        d.engaged_ms, d.visits)::private.dim_delta)
     from deltas d join public.sites st on st.id = d.site_id)
  into n_events, v_event_dims;

  v_session_dims := coalesce(v_session_dims, '{}') || coalesce(v_event_dims, '{}');

  -- 4a. Rollups.
  insert into public.rollups as r (site_id, dimension, value, hour, visits, pageviews, bounces,
                                   engaged_ms)
  select d.site_id, d.dimension, d.value, d.hour, sum(d.visits), sum(d.pageviews),
    sum(d.bounces), sum(d.engaged_ms)
  from unnest(v_session_dims) d
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
  from unnest(v_session_dims) d
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
    from unnest(v_session_dims) d
    where d.hits <> 0
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
  changed as (
    select distinct site_id, dimension, value, visitor_id
    from post where (old_hits > 0) <> (hits > 0)
  ),
  chained as (
    select p.*, c.site_id is not null as rechain
    from post p
    left join changed c on c.site_id = p.site_id and c.dimension = p.dimension
      and c.value = p.value and c.visitor_id = p.visitor_id
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

  -- 4c. Visitors: latest state from the flush, counters from the session differences.
  with state as (
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
    select * from unnest(v_visitors)
  ),
  src as (
    select
      coalesce(s.site_id, d.site_id) as site_id,
      coalesce(s.visitor_id, d.visitor_id) as visitor_id,
      coalesce(s.first_seen, d.first_seen) as first_seen,
      coalesce(s.last_seen, d.last_seen) as last_seen,
      coalesce(s.last_path, d.last_path, '') as last_path,
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
  select count(*) from upserted into n_visitors;

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
