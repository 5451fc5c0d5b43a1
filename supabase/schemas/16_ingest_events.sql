-- Events (ingest_batch step 3): raw events into public.events when the flush says store_raw;
-- page views and heartbeats into session_pages (with the times the page was viewed and how far
-- it was scrolled), custom events into session_events, each in its session's bucket (the stored
-- session's start hour; the event's own hour for a session never flushed); custom events,
-- outbound clicks, downloads and vitals into event_log (their properties, revenue, targets and
-- metrics). Returns the number of events and the page and event rollup and visitor-day key
-- deltas: a session's first view of a page (first custom event of a name) is a visit, and a
-- page counts again within its session's country (page@<country>, daily rollups only).
create or replace function private.ingest_events(p_site text, p_tz text, p_store_raw boolean,
                                                 p_events jsonb, p_sessions jsonb,
                                                 out events integer,
                                                 out rollups private.dim_delta[],
                                                 out keys private.key_delta[])
language plpgsql as $$
begin
  with ev as (
    select * from private.wire_events(p_events, p_sessions)
  ),
  events_stored as (
    insert into public.events (
      site_id, id, type, at, session_id, visitor_id, path, name, props, referrer_host,
      referrer_class, utm_source, utm_medium, utm_campaign, country, region, city, latitude,
      longitude, device, browser, os, engaged_ms, scroll, interactions)
    select p_site, e.id, e.type, e.at, e.session_id, e.visitor_id, coalesce(e.path, ''),
      coalesce(e.name, ''), e.props, coalesce(e.context ->> 2, ''),
      coalesce(e.context ->> 3, ''), coalesce(e.context ->> 4, ''),
      coalesce(e.context ->> 5, ''), coalesce(e.context ->> 6, ''),
      coalesce(e.context ->> 7, ''), coalesce(e.context ->> 8, ''),
      coalesce(e.context ->> 9, ''), (e.context ->> 10)::double precision,
      (e.context ->> 11)::double precision, coalesce(e.context ->> 12, ''),
      coalesce(e.context ->> 13, ''), coalesce(e.context ->> 14, ''),
      coalesce(e.engaged_ms, 0), coalesce(e.scroll, 0), coalesce(e.interactions, 0)
    from ev e
    where p_store_raw
    on conflict (site_id, id) do nothing
  ),
  event_log_stored as (
    -- hour: the session's bucket; NULL when the session is not stored yet (read through it).
    insert into public.event_log (site_id, session_id, event_id, visitor_id, hour, at, type,
                                  name, path, props, revenue, currency, lcp, inp, cls, ttfb,
                                  fcp)
    select p_site, e.session_id, e.id, e.visitor_id, s.hour, e.at, e.type,
      case when e.type = 'vitals' then coalesce(e.path, '') else coalesce(e.name, '') end,
      coalesce(e.path, ''), case when e.type = 'custom' then e.props end,
      case when e.currency is not null then e.revenue end,
      case when e.revenue is not null then e.currency end,
      e.lcp, e.inp, e.cls, e.ttfb, e.fcp
    from ev e
    left join public.sessions s on s.site_id = p_site and s.session_id = e.session_id
    where e.type in ('custom', 'outbound', 'download', 'vitals')
      and (e.type = 'vitals' or coalesce(e.name, '') <> '')
    order by 2, 3
    on conflict (site_id, session_id, event_id) do nothing
  ),
  grouped as (
    -- One row per (session, page) and (session, custom event), with its session's bucket and
    -- country (null for a session never flushed: see session_pages.country in 0007).
    select g.*, coalesce(s.hour, date_trunc('hour', g.first_at, p_tz)) as bucket,
      s.country, coalesce(s.country, g.own_country) as rollup_country,
      -- The page row as stored before this flush (scroll depth: what this flush adds to it).
      o.hour as old_hour, o.max_scroll as old_scroll
    from (
      select e.session_id, (e.type = 'custom') as custom,
        case when e.type = 'custom' then e.name else e.path end as key,
        min(e.visitor_id) as visitor_id, min(e.at) as first_at,
        coalesce(min(e.context ->> 7), '') as own_country,
        count(*) filter (where e.type in ('pageview', 'custom'))::integer as pageviews,
        coalesce(sum(e.engaged_ms) filter (where e.type = 'heartbeat'), 0)::bigint as engaged_ms,
        min(e.at) filter (where e.type = 'pageview') as first_viewed_at,
        coalesce(array_agg(e.at order by e.at) filter (where e.type = 'pageview'), '{}')
          as viewed_at,
        max(e.scroll) filter (where e.type = 'heartbeat') as max_scroll
      from ev e
      where (e.type in ('pageview', 'heartbeat') and e.path is not null)
        or (e.type = 'custom' and coalesce(e.name, '') <> '')
      group by 1, 2, 3
    ) g
    left join public.sessions s on s.site_id = p_site and s.session_id = g.session_id
    left join public.session_pages o on not g.custom and o.site_id = p_site
      and o.session_id = g.session_id and o.path = g.key
  ),
  page_scroll_added as (
    -- A visit of the page measures its scroll depth for the first time (+1 visit), or goes
    -- deeper than stored (+ the difference), in the page row's hour.
    insert into public.page_scroll as ps (site_id, path, hour, visits, scroll_sum)
    select p_site, i.key, coalesce(i.old_hour, i.bucket),
      sum((i.old_scroll is null)::integer),
      sum(greatest(coalesce(i.old_scroll, 0), i.max_scroll) - coalesce(i.old_scroll, 0))
    from grouped i
    where not i.custom and i.max_scroll is not null
      and (i.old_scroll is null or i.max_scroll > i.old_scroll)
    group by 2, 3
    order by 2, 3
    on conflict (site_id, path, hour) do update set
      visits = ps.visits + excluded.visits,
      scroll_sum = ps.scroll_sum + excluded.scroll_sum
  ),
  session_pages_upserted as (
    insert into public.session_pages as p (
      site_id, session_id, path, visitor_id, hour, pageviews, engaged_ms, country,
      first_viewed_at, viewed_at, max_scroll)
    select p_site, i.session_id, i.key, i.visitor_id, i.bucket, i.pageviews, i.engaged_ms,
      i.country, i.first_viewed_at, i.viewed_at[1:64], i.max_scroll
    from grouped i
    where not i.custom
    order by 2, 3
    -- country is written on insert only: a row inserted with null kept the event's own hour,
    -- which may not be its session's (the invariant 0007 states).
    on conflict (site_id, session_id, path) do update set
      pageviews = p.pageviews + excluded.pageviews,
      engaged_ms = p.engaged_ms + excluded.engaged_ms,
      first_viewed_at = least(p.first_viewed_at, excluded.first_viewed_at),
      -- The first 64 views in time order (0010): only flushes with views do the array work.
      viewed_at = case when cardinality(excluded.viewed_at) = 0 then p.viewed_at
        when cardinality(p.viewed_at) = 0 then excluded.viewed_at
        else array(select t from unnest(p.viewed_at || excluded.viewed_at) t order by t limit 64)
        end,
      max_scroll = greatest(p.max_scroll, excluded.max_scroll)
    -- xmax = 0 marks a freshly inserted row: the session's first view of this page.
    returning p.session_id, p.path as key, p.visitor_id, p.hour, (p.xmax = 0) as inserted
  ),
  session_events_upserted as (
    insert into public.session_events as c (site_id, session_id, name, visitor_id, hour, events)
    select p_site, i.session_id, i.key, i.visitor_id, i.bucket, i.pageviews
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
      max(x.country) as country, coalesce(bool_or(x.inserted), false)::integer as visits,
      sum(x.pageviews)::integer as pageviews, sum(x.engaged_ms)::bigint as engaged_ms
    from (
      select i.session_id, i.custom, i.key, null::timestamptz as hour, null::date as day,
        null::text as visitor_id, i.rollup_country as country, null::boolean as inserted,
        i.pageviews, case when i.custom then 0 else i.engaged_ms end as engaged_ms
      from grouped i
      union all
      select w.session_id, w.custom, w.key, w.hour, (w.hour at time zone p_tz)::date,
        w.visitor_id, null, w.inserted, 0, 0
      from (select *, false as custom from session_pages_upserted
            union all select *, true from session_events_upserted) w
    ) x
    group by x.session_id, x.custom, x.key
  )
  select
    (select count(*) from ev),
    (select array_agg(row(p_site, g.dimension, g.value, g.hour, g.day, g.visits,
        g.pageviews, 0, g.engaged_ms)::private.dim_delta)
     from (
       select x.dimension, d.value, d.hour, d.day, sum(d.visits)::integer as visits,
         sum(d.pageviews)::integer as pageviews, sum(d.engaged_ms)::bigint as engaged_ms
       from deltas d
       cross join lateral (values (d.dimension),
         (case when d.dimension = 'page' then 'page@' || d.country end)) x(dimension)
       where x.dimension is not null
       group by 1, 2, 3, 4
     ) g),
    (select array_agg(row(p_site, g.visitor_id, g.day, g.key, g.hits)::private.key_delta)
     from (
       select d.visitor_id, d.day, k.key, sum(d.visits)::integer as hits
       from deltas d
       cross join lateral (values
         (private.dimension_key(d.dimension) || d.value),
         (case when d.dimension = 'page'
               then private.dimension_key('page@') || d.country || E'\x1f' || d.value end)
       ) k(key)
       where d.visits <> 0 and k.key is not null
       group by 1, 2, 3
     ) g)
  into events, rollups, keys;
end
$$;
revoke execute on function private.ingest_events(text, text, boolean, jsonb, jsonb)
  from public, anon, authenticated;
grant execute on function private.ingest_events(text, text, boolean, jsonb, jsonb) to service_role;
