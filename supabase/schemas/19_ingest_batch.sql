-- ingest_batch(payload jsonb): applies one flush of the SiteLive Durable Object in one
-- transaction, set-based. The payload comes in one of two shapes:
-- - the compact wire form the Worker sends (`v: 2`; IngestWire in
--   packages/schema/src/ingest-batch.ts): one site per flush, rows as positional arrays,
--   timestamps as epoch microseconds, and an event's session context (session, visitor, source,
--   place, client) taken from its session's row unless the event carries its own. About a third
--   of the object form's size: turning it into jsonb (which every call pays before the function
--   runs) costs a quarter as much;
-- - the object form (IngestBatch, one object per row), converted to the compact form per site
--   here (tests, scripts and flushes stored by an older Worker send it).
-- Steps:
--   1. claim the batch id (a replay returns duplicate = true and changes nothing);
--   2. merge session running totals with GREATEST and derive, from the difference actually
--      applied (new state minus stored state, one row per session), the rollup deltas (per
--      dimension, value and hour), the visitor-day deltas (only where a session starts or its
--      exit page moves) and the visitor counters; visitors are upserted in the same statement;
--   3. page views, heartbeats and custom events feed session_pages / session_events and the
--      page / event rollups, and pages also the daily page@<country> rollups (a page within
--      its session's country); raw events go to public.events when store_raw;
--   4. hourly and daily rollups, then visitor_days + the daily unique-visitor counts.
-- Rows of unknown sites are skipped (counted out of the result), not an error: a retry could
-- never succeed.
-- Performance (bench/ingest.ts): the payload's row counts are unknown to the planner (it
-- assumes 100 rows per jsonb_array_elements), so results of the same statement are combined by
-- UNION ALL + GROUP BY or window functions rather than by joins between CTEs, which it would
-- plan as nested loops rescanning a CTE once per row.

-- of events, sessions and visitors applied (0, 0, 0 for an unknown site).
create or replace function private.apply_wire(p jsonb) returns integer[]
language plpgsql
security invoker
set search_path = ''
set jit = off
as $$
declare
  v_site text := p ->> 'site_id';
  v_tz text;
  v_store_raw boolean := coalesce((p ->> 'store_raw')::boolean, false);
  v_sessions jsonb := coalesce(p -> 'sessions', '[]');
  v_rollups private.dim_delta[];
  v_keys private.key_delta[];
  v_event_rollups private.dim_delta[];
  v_event_keys private.key_delta[];
  n_events integer;
  n_sessions integer;
  n_visitors integer;
begin
  select st.timezone into v_tz from public.sites st where st.id = v_site;
  if not found then
    return array[0, 0, 0];
  end if;

  -- One flush per site at a time: the diffs below read the stored state first, so two
  -- concurrent flushes of the same session must not interleave.
  perform pg_advisory_xact_lock(hashtextextended('sightline.ingest:' || v_site, 0));

  -- 2. Sessions: merge, then diff new against old state; visitors in the same statement.
  -- A stored session keeps its bucket, visitor and dimensions (only counters, last_seen and the
  -- exit page move), so its difference is one row per session: the counter deltas, plus the
  -- exit page it leaves (-1) and the one it reaches (+1). Only a new session or a moved exit
  -- page changes visits and visitor days; everything else only adds page views, bounces and
  -- engaged time to the rollups.
  with raw as (
    select s.j ->> 0 as session_id, s.j ->> 1 as visitor_id, s.j ->> 2 as referrer_host,
      s.j ->> 3 as referrer_class, s.j ->> 4 as utm_source, s.j ->> 5 as utm_medium,
      s.j ->> 6 as utm_campaign, s.j ->> 7 as country, s.j ->> 8 as region, s.j ->> 9 as city,
      (s.j ->> 10)::double precision as latitude, (s.j ->> 11)::double precision as longitude,
      s.j ->> 12 as device, s.j ->> 13 as browser, s.j ->> 14 as os,
      private.wire_time((s.j ->> 15)::bigint) as started_at,
      private.wire_time((s.j ->> 16)::bigint) as last_seen, s.j ->> 17 as entry_path,
      s.j ->> 18 as exit_path, (s.j ->> 19)::integer as pageviews,
      (s.j ->> 20)::bigint as engaged_ms, (s.j ->> 21)::integer as max_scroll,
      (s.j ->> 22)::integer as interactions, (s.j ->> 23)::boolean as "returning"
    from jsonb_array_elements(v_sessions) s(j)
  ),
  incoming as (
    -- Several states of one session in one flush: counters by max, the rest from the latest.
    select distinct on (r.session_id) r.*,
      min(r.started_at) over k as m_started_at,
      coalesce(max(r.pageviews) over k, 0) as m_pageviews,
      coalesce(max(r.engaged_ms) over k, 0) as m_engaged_ms,
      coalesce(max(r.max_scroll) over k, 0) as m_max_scroll,
      coalesce(max(r.interactions) over k, 0) as m_interactions
    from raw r
    window k as (partition by r.session_id)
    order by r.session_id, r.last_seen desc, r.pageviews desc
  ),
  merged as (
    -- Each incoming state beside the stored one (none for a new session) and the state they
    -- merge into: dimensions, bucket and start are fixed at the first state (the bucket never
    -- moves), the exit page follows the latest state, counters only grow.
    select i.session_id, o.session_id is not null as stored,
      i.last_seen as in_last_seen, coalesce(i.exit_path, '') as in_exit_path,
      coalesce(o.visitor_id, i.visitor_id) as visitor_id,
      coalesce(o.hour, date_trunc('hour', i.m_started_at, v_tz)) as hour,
      coalesce(o.started_at, i.m_started_at) as started_at,
      coalesce(o.entry_path, i.entry_path, '') as entry_path,
      case when o.session_id is null then coalesce(i.referrer_host, '') else o.referrer_host end as referrer_host,
      case when o.session_id is null then coalesce(i.referrer_class, '') else o.referrer_class end as referrer_class,
      case when o.session_id is null then coalesce(i.utm_source, '') else o.utm_source end as utm_source,
      case when o.session_id is null then coalesce(i.utm_medium, '') else o.utm_medium end as utm_medium,
      case when o.session_id is null then coalesce(i.utm_campaign, '') else o.utm_campaign end as utm_campaign,
      case when o.session_id is null then coalesce(i.country, '') else o.country end as country,
      case when o.session_id is null then coalesce(i.region, '') else o.region end as region,
      case when o.session_id is null then coalesce(i.city, '') else o.city end as city,
      case when o.session_id is null then i.latitude else o.latitude end as latitude,
      case when o.session_id is null then i.longitude else o.longitude end as longitude,
      case when o.session_id is null then coalesce(i.device, '') else o.device end as device,
      case when o.session_id is null then coalesce(i.browser, '') else o.browser end as browser,
      case when o.session_id is null then coalesce(i.os, '') else o.os end as os,
      coalesce(i."returning", false) as returning_visitor,
      case when o.session_id is null then i.last_seen
           else greatest(o.last_seen, i.last_seen) end as last_seen,
      case when o.session_id is null or i.last_seen >= o.last_seen
           then coalesce(i.exit_path, '') else o.exit_path end as exit_path,
      -- Counters: the state's running totals on top of its epoch's base (public.sessions).
      greatest(o.pageviews, i.m_pageviews + case e.epoch when 'new' then o.pageviews
        when 'current' then o.base_pageviews else 0 end) as pageviews,
      greatest(o.engaged_ms, i.m_engaged_ms + case e.epoch when 'new' then o.engaged_ms
        when 'current' then o.base_engaged_ms else 0 end) as engaged_ms,
      greatest(o.max_scroll, i.m_max_scroll) as max_scroll,
      greatest(o.interactions, i.m_interactions + case e.epoch when 'new' then o.interactions
        when 'current' then o.base_interactions else 0 end) as interactions,
      e.epoch = 'new' as new_epoch, i.m_started_at as in_started_at,
      o.exit_path as old_exit_path, o.pageviews as old_pageviews,
      o.engaged_ms as old_engaged_ms, o.interactions as old_interactions
    from incoming i
    left join public.sessions o on o.site_id = v_site and o.session_id = i.session_id
    -- 'new': the state started after the stored session's current epoch, so the Worker began
    -- its running totals again; 'current': a state of that epoch (a later epoch's, when there
    -- was one); otherwise the first epoch's or an older one's (GREATEST alone).
    cross join lateral (
      select case
        when o.session_id is null then 'none'
        when i.m_started_at > coalesce(o.epoch_started_at, o.started_at) then 'new'
        when i.m_started_at = o.epoch_started_at then 'current'
        else 'first'
      end as epoch
    ) e
  ),
  inserted as (
    -- New sessions: a plain insert (a concurrent insert of the same session, which the
    -- per-site lock rules out for flushes, would fail the call and the Worker would retry).
    insert into public.sessions (
      site_id, session_id, visitor_id, hour, started_at, last_seen, entry_path, exit_path,
      pageviews, engaged_ms, max_scroll, interactions, referrer_host, referrer_class,
      utm_source, utm_medium, utm_campaign, country, region, city, latitude, longitude,
      device, browser, os, returning_visitor)
    select v_site, m.session_id, m.visitor_id, m.hour, m.started_at, m.last_seen, m.entry_path,
      m.exit_path, m.pageviews, m.engaged_ms, m.max_scroll, m.interactions, m.referrer_host,
      m.referrer_class, m.utm_source, m.utm_medium, m.utm_campaign, m.country, m.region,
      m.city, m.latitude, m.longitude, m.device, m.browser, m.os, m.returning_visitor
    from merged m
    where not m.stored
    order by m.session_id
  ),
  updated as (
    -- Stored sessions: the merge rules again, against the row as it is now (the same row).
    update public.sessions s set
      last_seen = greatest(s.last_seen, m.in_last_seen),
      exit_path = case when m.in_last_seen >= s.last_seen then m.in_exit_path
                       else s.exit_path end,
      pageviews = greatest(s.pageviews, m.pageviews),
      engaged_ms = greatest(s.engaged_ms, m.engaged_ms),
      max_scroll = greatest(s.max_scroll, m.max_scroll),
      interactions = greatest(s.interactions, m.interactions),
      epoch_started_at = case when m.new_epoch then m.in_started_at else s.epoch_started_at end,
      base_pageviews = case when m.new_epoch then s.pageviews else s.base_pageviews end,
      base_engaged_ms = case when m.new_epoch then s.engaged_ms else s.base_engaged_ms end,
      base_interactions = case when m.new_epoch then s.interactions else s.base_interactions end
    from merged m
    where m.stored and s.site_id = v_site and s.session_id = m.session_id
  ),
  diff as (
    -- What the merge changes, one row per session.
    select n.*, (n.hour at time zone v_tz)::date as day,
      (n.old_pageviews is null)::integer as is_new,
      n.pageviews - coalesce(n.old_pageviews, 0) as d_pageviews,
      (n.pageviews = 1)::integer - coalesce((n.old_pageviews = 1)::integer, 0) as d_bounces,
      n.engaged_ms - coalesce(n.old_engaged_ms, 0) as d_engaged_ms,
      n.interactions - coalesce(n.old_interactions, 0) as d_interactions
    from merged n
  ),
  state as (
    select distinct on (v.visitor_id) v.*
    from (
      select v.j ->> 0 as visitor_id, private.wire_time((v.j ->> 1)::bigint) as first_seen,
        private.wire_time((v.j ->> 2)::bigint) as last_seen, v.j ->> 3 as last_path,
        (v.j ->> 4)::integer as value_score, v.j ->> 5 as first_referrer_host,
        v.j ->> 6 as first_referrer_class, v.j ->> 7 as utm_source, v.j ->> 8 as utm_medium,
        v.j ->> 9 as utm_campaign, v.j ->> 10 as country, v.j ->> 11 as region,
        v.j ->> 12 as city, (v.j ->> 13)::double precision as latitude,
        (v.j ->> 14)::double precision as longitude, v.j ->> 15 as device,
        v.j ->> 16 as browser, v.j ->> 17 as os
      from jsonb_array_elements(coalesce(p -> 'visitors', '[]')) v(j)
    ) v
    order by v.visitor_id, v.last_seen desc
  ),
  delta as (
    -- What the flush adds to each visitor's counters, with the context of its latest session
    -- for a visitor row the flush did not carry.
    select distinct on (d.visitor_id) d.visitor_id,
      sum(d.is_new) over w as sessions, sum(d.d_pageviews) over w as pageviews,
      sum(d.d_engaged_ms) over w as engaged_ms, sum(d.d_interactions) over w as interactions,
      max(d.max_scroll) over w as max_scroll, d.started_at, d.last_seen, d.exit_path,
      d.country, d.region, d.city, d.latitude, d.longitude, d.device, d.browser, d.os,
      d.referrer_host, d.referrer_class, d.utm_source, d.utm_medium, d.utm_campaign
    from diff d
    window w as (partition by d.visitor_id)
    order by d.visitor_id, d.last_seen desc
  ),
  src as (
    select
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
      coalesce(s.value_score,
               (select cur.value_score from public.visitors cur
                where cur.site_id = v_site and cur.visitor_id = d.visitor_id), 0) as value_score,
      coalesce(s.country, d.country, '') as country,
      coalesce(s.region, d.region, '') as region,
      coalesce(s.city, d.city, '') as city,
      case when s.visitor_id is not null then s.latitude else d.latitude end as latitude,
      case when s.visitor_id is not null then s.longitude else d.longitude end as longitude,
      coalesce(s.device, d.device, '') as device,
      coalesce(s.browser, d.browser, '') as browser,
      coalesce(s.os, d.os, '') as os,
      coalesce(s.first_referrer_host, d.referrer_host, '') as first_referrer_host,
      coalesce(s.first_referrer_class, d.referrer_class, '') as first_referrer_class,
      coalesce(s.utm_source, d.utm_source, '') as utm_source,
      coalesce(s.utm_medium, d.utm_medium, '') as utm_medium,
      coalesce(s.utm_campaign, d.utm_campaign, '') as utm_campaign
    from state s
    full join delta d on d.visitor_id = s.visitor_id
  ),
  upserted as (
    insert into public.visitors as v (
      site_id, visitor_id, first_seen, last_seen, last_path, sessions, pageviews, engaged_ms,
      max_scroll, interactions, value_score, country, region, city, latitude, longitude,
      device, browser, os, first_referrer_host, first_referrer_class, utm_source, utm_medium,
      utm_campaign)
    select v_site, src.visitor_id, src.first_seen, src.last_seen, src.last_path,
      src.sessions, src.pageviews, src.engaged_ms, src.max_scroll, src.interactions,
      src.value_score, src.country, src.region, src.city, src.latitude, src.longitude,
      src.device, src.browser, src.os, src.first_referrer_host, src.first_referrer_class,
      src.utm_source, src.utm_medium, src.utm_campaign
    from src
    order by 2
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
    (select count(*) from incoming),
    (select count(*) from upserted),
    -- Rollup deltas per (dimension, value, hour): a handful of rows per flush, aggregated
    -- from the one difference row per session by grouping sets (no row per dimension).
    -- Only a new session or a moved exit page changes visits; a page's bounces are those of the
    -- sessions that entered (and so only saw) it.
    (select array_agg(row(v_site, r.dimension, r.value, r.hour, r.day, r.visits,
        r.pageviews, r.bounces, r.engaged_ms)::private.dim_delta)
     from (
       select
         case when grouping(g.entry_path) = 0 then 'entry_page'
              when grouping(g.referrer_host) = 0 then 'referrer'
              when grouping(g.referrer_class) = 0 then 'referrer_class'
              when grouping(g.country) = 0 then 'country'
              when grouping(g.region) = 0 then 'region'
              when grouping(g.city) = 0 then 'city'
              when grouping(g.device) = 0 then 'device'
              when grouping(g.browser) = 0 then 'browser'
              when grouping(g.os) = 0 then 'os'
              when grouping(g.utm_source) = 0 then 'utm_source'
              when grouping(g.utm_medium) = 0 then 'utm_medium'
              when grouping(g.utm_campaign) = 0 then 'utm_campaign'
              else '' end as dimension,
         -- Exactly one of these is grouped (not null) in each set; none in the site total.
         coalesce(g.entry_path, g.referrer_host, g.referrer_class, g.country, g.region, g.city,
                  g.device, g.browser, g.os, g.utm_source, g.utm_medium, g.utm_campaign, '') as value,
         g.hour, g.day, sum(g.is_new)::integer as visits, sum(g.d_pageviews)::integer as pageviews,
         sum(g.d_bounces)::integer as bounces, sum(g.d_engaged_ms)::bigint as engaged_ms
       from diff g
       where g.is_new <> 0 or g.d_pageviews <> 0 or g.d_bounces <> 0 or g.d_engaged_ms <> 0
       group by g.hour, g.day, grouping sets ((), (g.entry_path), (g.referrer_host),
         (g.referrer_class), (g.country), (g.region), (g.city), (g.device), (g.browser), (g.os),
         (g.utm_source), (g.utm_medium), (g.utm_campaign))
       union all
       -- ... for the page within the session's country too (page@country, daily only).
       select case when grouping(g.country) = 0 then 'page@' || g.country else 'page' end,
         g.entry_path, g.hour, g.day, 0, 0, sum(g.d_bounces)::integer, 0
       from diff g
       where g.d_bounces <> 0
       group by g.entry_path, g.hour, g.day, grouping sets ((), (g.country))
       union all
       select 'exit_page', x.value, x.hour, x.day, sum(x.visits)::integer,
         sum(x.pageviews)::integer, sum(x.bounces)::integer, sum(x.engaged_ms)::bigint
       from (
         select g.hour, g.day, e.*
         from diff g
         cross join lateral (values
           (g.exit_path, 1, g.pageviews, (g.pageviews = 1)::integer, g.engaged_ms),
           (g.old_exit_path, -1, -g.old_pageviews, -(g.old_pageviews = 1)::integer,
             -g.old_engaged_ms)
         ) e(value, visits, pageviews, bounces, engaged_ms)
         where e.value is not null
       ) x
       group by x.value, x.hour, x.day
       having sum(x.visits) <> 0 or sum(x.pageviews) <> 0 or sum(x.bounces) <> 0
         or sum(x.engaged_ms) <> 0
     ) r),
    -- Visitor-day deltas (see visitor_days): every key of a new session, and the exit page a
    -- session leaves (-1) and the one it reaches (+1).
    (select array_agg(row(v_site, g.visitor_id, g.day, k.key, k.hits)::private.key_delta)
     from diff g
     cross join lateral unnest(
       case when g.is_new = 1 then array['a', 'c' || g.entry_path, 'd' || g.exit_path,
         'e' || g.referrer_host, 'f' || g.referrer_class, 'g' || g.country, 'h' || g.region,
         'i' || g.city, 'j' || g.device, 'k' || g.browser, 'l' || g.os, 'm' || g.utm_source,
         'n' || g.utm_medium, 'o' || g.utm_campaign]
       else array['d' || g.exit_path, 'd' || g.old_exit_path] end,
       case when g.is_new = 1 then array[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]
       else array[1, -1] end) k(key, hits)
     where g.is_new = 1 or g.exit_path is distinct from g.old_exit_path)
  into n_sessions, n_visitors, v_rollups, v_keys;

  -- 3. Events: raw store, pages and custom events, bucketed with their session. An event's
  -- session context comes from its session's row unless it carries its own.
  with ev as (
    select e.j ->> 0 as id, e.j ->> 1 as type, private.wire_time((e.j ->> 2)::bigint) as at,
      e.j ->> 4 as path, e.j ->> 5 as name, nullif(e.j -> 6, 'null') as props,
      (e.j ->> 7)::bigint as engaged_ms, (e.j ->> 8)::integer as scroll,
      (e.j ->> 9)::integer as interactions, c.c ->> 0 as session_id, c.c ->> 1 as visitor_id,
      c.c
    from jsonb_array_elements(coalesce(p -> 'events', '[]')) e(j)
    cross join lateral (
      select coalesce(e.j -> 10, case when (e.j ->> 3)::integer >= 0
                                      then v_sessions -> (e.j ->> 3)::integer end) as c
    ) c
  ),
  raw_events as (
    insert into public.events (
      site_id, id, type, at, session_id, visitor_id, path, name, props, referrer_host,
      referrer_class, utm_source, utm_medium, utm_campaign, country, region, city, latitude,
      longitude, device, browser, os, engaged_ms, scroll, interactions)
    select v_site, e.id, e.type, e.at, e.session_id, e.visitor_id, coalesce(e.path, ''),
      coalesce(e.name, ''), e.props, coalesce(e.c ->> 2, ''), coalesce(e.c ->> 3, ''),
      coalesce(e.c ->> 4, ''), coalesce(e.c ->> 5, ''), coalesce(e.c ->> 6, ''),
      coalesce(e.c ->> 7, ''), coalesce(e.c ->> 8, ''), coalesce(e.c ->> 9, ''),
      (e.c ->> 10)::double precision, (e.c ->> 11)::double precision,
      coalesce(e.c ->> 12, ''), coalesce(e.c ->> 13, ''), coalesce(e.c ->> 14, ''),
      coalesce(e.engaged_ms, 0), coalesce(e.scroll, 0), coalesce(e.interactions, 0)
    from ev e
    where v_store_raw
    on conflict (site_id, id) do nothing
  ),
  grouped as (
    -- One row per (session, page) and (session, custom event), then its session's bucket (the
    -- stored session's start hour; the event's own hour for a session never flushed) and
    -- country (null for a session never flushed: see session_pages.country in 0007).
    select g.*, coalesce(s.hour, date_trunc('hour', g.first_at, v_tz)) as bucket,
      s.country, coalesce(s.country, g.own_country) as rollup_country
    from (
      select e.session_id, (e.type = 'custom') as custom,
        case when e.type = 'custom' then e.name else e.path end as key,
        min(e.visitor_id) as visitor_id, min(e.at) as first_at,
        coalesce(min(e.c ->> 7), '') as own_country,
        count(*) filter (where e.type in ('pageview', 'custom'))::integer as pageviews,
        coalesce(sum(e.engaged_ms) filter (where e.type = 'heartbeat'), 0)::bigint as engaged_ms
      from ev e
      where (e.type in ('pageview', 'heartbeat') and e.path is not null)
        or (e.type = 'custom' and coalesce(e.name, '') <> '')
      group by 1, 2, 3
    ) g
    left join public.sessions s on s.site_id = v_site and s.session_id = g.session_id
  ),
  pages as (
    insert into public.session_pages as p (
      site_id, session_id, path, visitor_id, hour, pageviews, engaged_ms, country)
    select v_site, i.session_id, i.key, i.visitor_id, i.bucket, i.pageviews, i.engaged_ms,
      i.country
    from grouped i
    where not i.custom
    order by 2, 3
    -- country is written on insert only: a row inserted with null kept the event's own hour,
    -- which may not be its session's (the invariant 0007 states).
    on conflict (site_id, session_id, path) do update set
      pageviews = p.pageviews + excluded.pageviews,
      engaged_ms = p.engaged_ms + excluded.engaged_ms
    -- xmax = 0 marks a freshly inserted row: the session's first view of this page.
    returning p.session_id, p.path as key, p.visitor_id, p.hour, (p.xmax = 0) as inserted
  ),
  customs as (
    insert into public.session_events as c (site_id, session_id, name, visitor_id, hour, events)
    select v_site, i.session_id, i.key, i.visitor_id, i.bucket, i.pageviews
    from grouped i
    where i.custom
    order by 2, 3
    on conflict (site_id, session_id, name) do update set events = c.events + excluded.events
    returning c.session_id, c.name as key, c.visitor_id, c.hour, (c.xmax = 0) as inserted
  ),
  deltas as (
    -- The increments of grouped and the inserted flags of the upserts, side by side.
    select case when x.custom then 'event' else 'page' end as dimension,
      x.key as value, max(x.hour) as hour, max(x.day) as day, max(x.visitor_id) as visitor_id,
      max(x.country) as country,
      coalesce(bool_or(x.inserted), false)::integer as visits, sum(x.pageviews)::integer as pageviews,
      sum(x.engaged_ms)::bigint as engaged_ms
    from (
      select i.session_id, i.custom, i.key, null::timestamptz as hour, null::date as day,
        null::text as visitor_id, i.rollup_country as country, null::boolean as inserted,
        i.pageviews, case when i.custom then 0 else i.engaged_ms end as engaged_ms
      from grouped i
      union all
      select w.session_id, w.custom, w.key, w.hour, (w.hour at time zone v_tz)::date,
        w.visitor_id, null, w.inserted, 0, 0
      from (select *, false as custom from pages union all select *, true from customs) w
    ) x
    group by x.session_id, x.custom, x.key
  )
  select
    (select count(*) from ev),
    (select array_agg(row(v_site, g.dimension, g.value, g.hour, g.day, g.visits,
        g.pageviews, 0, g.engaged_ms)::private.dim_delta)
     from (
       -- A page counts again within its session's country (page@country: daily rollups only).
       select x.dimension, d.value, d.hour, d.day, sum(d.visits)::integer as visits,
         sum(d.pageviews)::integer as pageviews, sum(d.engaged_ms)::bigint as engaged_ms
       from deltas d
       cross join lateral (values (d.dimension),
         (case when d.dimension = 'page' then 'page@' || d.country end)) x(dimension)
       where x.dimension is not null
       group by 1, 2, 3, 4
     ) g),
    (select array_agg(row(v_site, g.visitor_id, g.day, g.key, g.hits)::private.key_delta)
     from (
       select d.visitor_id, d.day, k.key, sum(d.visits)::integer as hits
       from deltas d
       cross join lateral (values
         (case d.dimension when 'event' then 'p' else 'b' end || d.value),
         (case when d.dimension = 'page' then 'q' || d.country || E'\x1f' || d.value end)) k(key)
       where d.visits <> 0 and k.key is not null
       group by 1, 2, 3
     ) g)
  into n_events, v_event_rollups, v_event_keys;

  v_rollups := coalesce(v_rollups, '{}') || coalesce(v_event_rollups, '{}');
  v_keys := coalesce(v_keys, '{}') || coalesce(v_event_keys, '{}');

  -- 4a. Rollups.
  insert into public.rollups as r (site_id, dimension, value, hour, visits, pageviews, bounces,
                                   engaged_ms)
  select d.site_id, d.dimension, d.value, d.hour, sum(d.visits), sum(d.pageviews),
    sum(d.bounces), sum(d.engaged_ms)
  from unnest(v_rollups) d
  where left(d.dimension, 5) <> 'page@' -- daily only
  group by 1, 2, 3, 4
  order by 1, 2, 4, 3
  on conflict (site_id, dimension, hour, value) do update set
    visits = r.visits + excluded.visits,
    pageviews = r.pageviews + excluded.pageviews,
    bounces = r.bounces + excluded.bounces,
    engaged_ms = r.engaged_ms + excluded.engaged_ms;

  -- 4b. Visitor days, the unique-visitor counts and the daily rollups (see daily_rollups).
  -- visitor_days holds one row per visitor and local day: the keys (dimension letter + value)
  -- the visitor was active with that day, with their hits. Only keys that become active or
  -- inactive on a day change the counts: for those the chain "active day -> previous active
  -- day" of (visitor, key) is recomputed from the visitor's few stored days (old chain
  -- subtracted, new chain added).
  with e as (
    select k.site_id, k.visitor_id, k.day, k.key, sum(k.hits)::integer as dh
    from unnest(v_keys) k
    group by 1, 2, 3, 4
    having sum(k.hits) <> 0
  ),
  g as (
    select e.site_id, e.visitor_id, e.day, array_agg(e.key) as keys, array_agg(e.dh) as dhs
    from e
    group by 1, 2, 3
  ),
  multi as (
    -- Visitors with several days in this flush (a flush spanning midnight, or an outage
    -- replayed): the chain links those days too.
    select g.visitor_id from g group by 1 having count(*) > 1
  ),
  u as (
    -- One row per changed key of a visitor's day, beside the stored day (its keys' hits) and
    -- whether the visitor has other days, stored or in this flush (only then do previous days
    -- matter).
    select g.site_id, g.visitor_id, g.day, h.dims, h.dims is not null as stored,
      (h.other_days > 0 or g.visitor_id = any (array(select x.visitor_id from multi x)))
        as chained,
      k.key, k.dh, coalesce((h.dims ->> k.key)::integer, 0) as old
    from g
    cross join lateral (
      select (array_agg(o.dims) filter (where o.day = g.day))[1] as dims,
        count(*) filter (where o.day <> g.day) as other_days
      from public.visitor_days o
      where o.site_id = g.site_id and o.visitor_id = g.visitor_id
    ) h
    cross join lateral unnest(g.keys, g.dhs) k(key, dh)
  ),
  m as (
    -- The stored day merged with the deltas (a key no longer active is dropped: null, stripped).
    select u.site_id, u.visitor_id, u.day, bool_or(u.stored) as stored,
      jsonb_strip_nulls(coalesce(any_value(u.dims), '{}')
        || jsonb_object_agg(u.key, case when u.old + u.dh > 0 then (u.old + u.dh)::text end))
        as dims
    from u
    group by 1, 2, 3
  ),
  kept as (
    insert into public.visitor_days as vd (site_id, visitor_id, day, dims)
    select m.site_id, m.visitor_id, m.day, m.dims
    from m
    where m.dims <> '{}'
    order by 1, 2, 3
    on conflict (site_id, visitor_id, day) do update set dims = excluded.dims
  ),
  dropped as (
    -- A day left without active keys (possible only when exit pages move away).
    delete from public.visitor_days vd
    using m
    where m.stored and m.dims = '{}'
      and vd.site_id = m.site_id and vd.visitor_id = m.visitor_id and vd.day = m.day
  ),
  flips as (
    -- The keys that become active (+1) or inactive (-1) on a day.
    select u.site_id, u.visitor_id, u.day, u.chained, u.key,
      case when u.old > 0 then -1 else 1 end as sign
    from u
    where (u.old > 0) <> (u.old + u.dh > 0)
  ),
  fv as (
    -- Visitors with other active days: their chains are recomputed from the stored days.
    select f.site_id, f.visitor_id, array_agg(distinct f.key) as keys
    from flips f
    where f.chained
    group by 1, 2
  ),
  hist as (
    -- The stored active days of every (visitor, key) that flips somewhere in this flush.
    select fv.site_id, fv.visitor_id, h.key, h.day
    from fv
    cross join lateral (
      select k.key, o.day
      from public.visitor_days o
      cross join lateral unnest(fv.keys) k(key)
      where o.site_id = fv.site_id and o.visitor_id = fv.visitor_id and o.dims ? k.key
      offset 0 -- keeps this a lookup per visitor (the planner would hash-join the whole table)
    ) h
  ),
  days as (
    -- old: active before this flush; new: after (a flip toggles it).
    select x.site_id, x.visitor_id, x.key, x.day, max(x.old) = 1 as old,
      (max(x.old) # max(x.flip)) = 1 as new
    from (
      select h.site_id, h.visitor_id, h.key, h.day, 1 as old, 0 as flip from hist h
      union all
      select f.site_id, f.visitor_id, f.key, f.day, 0, 1 from flips f where f.chained
    ) x
    group by 1, 2, 3, 4
  ),
  chain_delta as (
    select c.site_id, c.key, c.day, c.prev_day, sum(c.sign)::integer as visitors
    from (
      select d.site_id, d.key, d.day, -1 as sign,
        coalesce(lag(d.day) over (partition by d.site_id, d.visitor_id, d.key order by d.day),
                 '-infinity'::date) as prev_day
      from days d where d.old
      union all
      select d.site_id, d.key, d.day, 1,
        coalesce(lag(d.day) over (partition by d.site_id, d.visitor_id, d.key order by d.day),
                 '-infinity'::date)
      from days d where d.new
      union all
      -- A visitor active on no other day: the key is new on this day, or no longer counted.
      select f.site_id, f.key, f.day, f.sign, '-infinity'::date
      from flips f where not f.chained
    ) c
    group by 1, 2, 3, 4
    having sum(c.sign) <> 0
  ),
  by_day as (
    select c.site_id, private.dimension_of(c.key) as dimension, private.value_of(c.key) as value,
      c.day,
      coalesce(sum(c.visitors) filter (where c.prev_day = '-infinity'), 0)::integer as new_visitors,
      -- Most days of a flush only gain new visitors: skip the array work for them.
      case when bool_or(c.prev_day <> '-infinity') then private.gap_counts(
        array_agg(c.day - c.prev_day) filter (where c.prev_day <> '-infinity'),
        array_agg(c.visitors) filter (where c.prev_day <> '-infinity'))
      end as returning_by_gap
    from chain_delta c
    group by c.site_id, c.key, c.day
  )
  insert into public.daily_rollups as r (site_id, dimension, value, day, visits, pageviews,
                                         bounces, engaged_ms, new_visitors, returning_by_gap)
  select y.site_id, y.dimension, y.value, y.day, y.visits, y.pageviews, y.bounces, y.engaged_ms,
    y.new_visitors, coalesce(y.returning_by_gap, '{}')
  from (
    -- At most one by_day row per (dimension, value, day): max() picks its array.
    select x.site_id, x.dimension, x.value, x.day, sum(x.visits) as visits,
      sum(x.pageviews) as pageviews, sum(x.bounces) as bounces, sum(x.engaged_ms) as engaged_ms,
      sum(x.new_visitors)::integer as new_visitors, max(x.returning_by_gap) as returning_by_gap
    from (
      select d.site_id, d.dimension, d.value, d.day, d.visits, d.pageviews, d.bounces,
        d.engaged_ms, 0 as new_visitors, null::integer[] as returning_by_gap
      from unnest(v_rollups) d
      union all
      select b.site_id, b.dimension, b.value, b.day, 0, 0, 0, 0, b.new_visitors,
        b.returning_by_gap
      from by_day b
    ) x
    group by 1, 2, 3, 4
  ) y
  order by 1, 2, 4, 3
  on conflict (site_id, dimension, day, value) do update set
    visits = r.visits + excluded.visits,
    pageviews = r.pageviews + excluded.pageviews,
    bounces = r.bounces + excluded.bounces,
    engaged_ms = r.engaged_ms + excluded.engaged_ms,
    new_visitors = r.new_visitors + excluded.new_visitors,
    returning_by_gap = case when cardinality(excluded.returning_by_gap) = 0 then r.returning_by_gap
                            else private.int_array_add(r.returning_by_gap, excluded.returning_by_gap) end;

  return array[n_events, n_sessions, n_visitors];
end
$$;

create or replace function public.ingest_batch(payload jsonb) returns jsonb
language plpgsql
security invoker
set search_path = ''
set jit = off
as $$
declare
  v_batch text := payload ->> 'batch_id';
  v_site text;
  v_counts integer[];
  v_totals integer[] := array[0, 0, 0];
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

  if payload ->> 'v' = '2' then
    v_totals := private.apply_wire(payload);
  else
    -- The object form: each site's rows in the wire form (sites in order, so that two
    -- multi-site flushes take the per-site locks in the same order).
    for v_site in
      select distinct x.site_id from (
        select jsonb_array_elements(coalesce(payload -> 'sessions', '[]')) ->> 'site_id'
        union all select jsonb_array_elements(coalesce(payload -> 'events', '[]')) ->> 'site_id'
        union all select jsonb_array_elements(coalesce(payload -> 'visitors', '[]')) ->> 'site_id'
      ) as x(site_id)
      where x.site_id is not null
      order by x.site_id
    loop
      v_counts := private.apply_wire(private.wire_of(payload, v_site));
      v_totals := array[v_totals[1] + v_counts[1], v_totals[2] + v_counts[2],
                        v_totals[3] + v_counts[3]];
    end loop;
  end if;

  v_result := jsonb_build_object('batch_id', v_batch, 'duplicate', false,
                                 'events', v_totals[1], 'sessions', v_totals[2],
                                 'visitors', v_totals[3]);
  update public.applied_batches set result = v_result where batch_id = v_batch;
  return v_result;
end
$$;

-- Only the Worker (service_role) writes. Supabase and the devstack grant EXECUTE on new
-- functions in public to anon and authenticated by default privileges: take it back.
revoke execute on function public.ingest_batch(jsonb) from public, anon, authenticated;
grant execute on function public.ingest_batch(jsonb) to service_role;
revoke execute on function private.apply_wire(jsonb) from public, anon, authenticated;
grant execute on function private.apply_wire(jsonb) to service_role;
