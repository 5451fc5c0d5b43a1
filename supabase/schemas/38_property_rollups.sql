-- Event properties as keys of daily rollups (tables: migration 0018; docs/conversions.md, "How
-- fast"). stats_properties reads property_daily for ranges of whole local days without filters
-- (of an event, or of an event goal without a property condition) instead of reading every
-- event of the range. Definitions as in 39_stats_properties.sql: an event counts on the local day
-- of its session's start hour; a value is its text (strings as they are, numbers and booleans
-- as JSON writes them, null as '').
--
-- Kept by:
-- * ingest_batch (private.update_property_rollups, after the goal rollups): the custom events
--   the flush stored whose session is stored, and the events stored earlier of the sessions the
--   flush stores for the first time (an event stored before its session has no day until then;
--   a session's start hour never changes once stored). Events are only added, so this is
--   additive and safe in any order of flushes;
-- * a new site starts built (trigger sites_property_rollups); a site that existed before the
--   rollups is built from the raw rows still retained by public.build_property_rollups (the
--   ingest Worker's hourly Cron Trigger, or by hand after an upgrade); until then the reports
--   read the raw rows.

-- A property triple (event name, key, value text) as a key of property_visitor_days.
create or replace function private.property_triple(p_name text, p_key text, p_value jsonb)
returns text
language sql immutable parallel safe as $$
  select jsonb_build_array(p_name, p_key,
    case jsonb_typeof(p_value) when 'string' then p_value #>> '{}'
      when 'null' then '' else p_value::text end)::text
$$;

-- The events (session id, event id) among the flush's custom events already stored before it:
-- update_property_rollups counts only the others. Null for a site not built.
create or replace function private.property_known_events(p_site text, p_wire jsonb)
returns text[]
language sql stable as $$
  select case when exists (select 1 from public.property_rollup_builds b where b.site_id = p_site)
    then array(
      select el.event_id
      from private.wire_events(p_wire -> 'events', p_wire -> 'sessions') e
      join public.event_log el on el.site_id = p_site and el.session_id = e.session_id
        and el.event_id = e.id
      where e.type = 'custom')
  end
$$;

-- Adds per (visitor, day, triple) events and revenue to the site's rollups: property_daily's
-- measures, property_visitor_days' counts, and the unique-visitor changes of the triples that
-- became active on a visitor's day.
create or replace function private.add_property_rows(p_site text, p_rows jsonb)
returns void
language plpgsql as $$
declare
  v_flips jsonb;
begin
  if p_rows is null or jsonb_array_length(p_rows) = 0 then
    return;
  end if;
  -- Measures.
  insert into public.property_daily as d (site_id, event_name, key, value, day, events, revenue)
  with t as (
    select x.k, x.day, x.events, x.revenue
    from jsonb_to_recordset(p_rows) x(k text, day date, events bigint, revenue jsonb)
  ),
  r as (
    select t.k, t.day, private.revenue_json(array_agg(c.key), array_agg(c.value::numeric))
      as revenue
    from t cross join lateral jsonb_each_text(t.revenue) c
    group by 1, 2
  )
  select p_site, m.k::jsonb ->> 0, m.k::jsonb ->> 1, m.k::jsonb ->> 2, m.day, m.events,
    coalesce(r.revenue, '{}')
  from (select t.k, t.day, sum(t.events)::bigint as events from t group by 1, 2) m
  left join r on r.k = m.k and r.day = m.day
  order by 2, 5, 3, 4
  on conflict (site_id, event_name, day, key, value) do update set
    events = d.events + excluded.events,
    revenue = case when excluded.revenue = '{}' then d.revenue
                   else private.revenue_add(d.revenue, excluded.revenue) end;

  -- Visitor days; flips: the triples not active on that visitor day before.
  with t as (
    select x.visitor_id, x.day, x.k, sum(x.events)::integer as events
    from jsonb_to_recordset(p_rows) x(visitor_id text, day date, k text, events bigint)
    group by 1, 2, 3
  ),
  changes as (
    select t.*, v.keys as stored, coalesce(v.keys ? t.k, false) as was
    from t
    left join public.property_visitor_days v on v.site_id = p_site
      and v.visitor_id = t.visitor_id and v.day = t.day
  ),
  merged as (
    select c.visitor_id, c.day,
      coalesce(any_value(c.stored), '{}') || jsonb_object_agg(c.k,
        coalesce((c.stored ->> c.k)::integer, 0) + c.events) as keys
    from changes c
    group by 1, 2
  ),
  kept as (
    insert into public.property_visitor_days as v (site_id, visitor_id, day, keys)
    select p_site, m.visitor_id, m.day, m.keys from merged m
    order by 2, 3
    on conflict (site_id, visitor_id, day) do update set keys = excluded.keys
  )
  select jsonb_agg(jsonb_build_object('visitor_id', c.visitor_id, 'day', c.day, 'k', c.k))
  into v_flips
  from changes c where not c.was;
  if v_flips is null then
    return;
  end if;

  -- The chains of the flipped (visitor, triple): every active day after the change (reads the
  -- rows just written), 'new' for the flipped ones. A day only becomes active, so the chain
  -- loses the link (next, prev) and gains (next, day) and (day, prev).
  insert into public.property_daily as d (site_id, event_name, key, value, day, new_visitors,
                                          returning_by_gap)
  with flips as (
    select f.visitor_id, f.day, f.k
    from jsonb_to_recordset(v_flips) f(visitor_id text, day date, k text)
  ),
  chains as (
    select f.visitor_id, array_agg(distinct f.k) as ks from flips f group by 1
  ),
  days as (
    select c.visitor_id, o.k, o.day,
      exists (select 1 from flips f where f.visitor_id = c.visitor_id and f.k = o.k
                and f.day = o.day) as new
    from chains c
    cross join lateral (
      select k.k, v.day from public.property_visitor_days v
      cross join lateral unnest(c.ks) k(k)
      where v.site_id = p_site and v.visitor_id = c.visitor_id and v.keys ? k.k
      offset 0 -- a lookup per visitor, not a hash join of the whole table
    ) o
  ),
  links as (
    -- +1 the links after the change, -1 those before it (without the new days).
    select d.k, d.day, 1 as sign,
      lag(d.day) over (partition by d.visitor_id, d.k order by d.day) as prev
    from days d
    union all
    select x.k, x.day, -1, x.prev
    from (select d.k, d.day, d.new,
            lag(d.day) over (partition by d.visitor_id, d.k order by d.day) as prev
          from days d where not d.new) x
  ),
  delta as (
    select l.k, l.day, l.prev, sum(l.sign)::integer as visitors
    from links l
    group by 1, 2, 3
    having sum(l.sign) <> 0
  )
  select p_site, x.k::jsonb ->> 0, x.k::jsonb ->> 1, x.k::jsonb ->> 2, x.day,
    coalesce(sum(x.visitors) filter (where x.prev is null), 0)::integer,
    coalesce(private.gap_counts(array_agg(x.day - x.prev) filter (where x.prev is not null),
                                array_agg(x.visitors) filter (where x.prev is not null)), '{}')
  from delta x
  group by x.k, x.day
  order by 2, 5, 3, 4
  on conflict (site_id, event_name, day, key, value) do update set
    new_visitors = d.new_visitors + excluded.new_visitors,
    returning_by_gap = private.int_array_add(d.returning_by_gap, excluded.returning_by_gap);
end
$$;

-- Per (visitor, day, triple): the events and revenue of custom events (given column by column:
-- visitor, name, properties, revenue, currency, session hour) as rows for add_property_rows.
create or replace function private.property_rows_json(p_tz text, p_visitors text[],
                                                     p_names text[], p_props jsonb[],
                                                     p_revenues numeric[], p_currencies text[],
                                                     p_hours timestamptz[])
returns jsonb
language sql stable as $$
  select jsonb_agg(jsonb_build_object('visitor_id', x.visitor_id, 'day', x.day, 'k', x.k,
                                      'events', x.events, 'revenue', x.revenue))
  from (
    select e.visitor_id, (e.hour at time zone p_tz)::date as day,
      private.property_triple(e.name, p.key, p.value) as k, count(*) as events,
      private.revenue_json(array_agg(e.currency), array_agg(e.revenue)) as revenue
    from unnest(p_visitors, p_names, p_props, p_revenues, p_currencies, p_hours)
      as e(visitor_id, name, props, revenue, currency, hour)
    cross join lateral jsonb_each(e.props) p
    where jsonb_typeof(e.props) = 'object'
    group by 1, 2, 3
  ) x
$$;

-- ingest_batch's step: the property rollups of the custom events the flush added (p_known: the
-- flush's events stored before it, from property_known_events; null: site not built).
create or replace function private.update_property_rollups(p_site text, p_tz text,
                                                           p_new public.sessions[],
                                                           p_old public.sessions[],
                                                           p_wire jsonb, p_known text[])
returns void
language plpgsql set plan_cache_mode = force_custom_plan as $$
declare
  v_rows jsonb;
begin
  if p_known is null then
    return;
  end if;
  select private.property_rows_json(p_tz, array_agg(x.visitor_id), array_agg(x.name),
                                    array_agg(x.props), array_agg(x.revenue),
                                    array_agg(x.currency), array_agg(x.hour))
  into v_rows
  from (
    -- The flush's new custom events whose session is stored.
    select el.visitor_id, el.name, el.props, el.revenue, el.currency, el.hour
    from (select distinct e.session_id, e.id
          from private.wire_events(p_wire -> 'events', p_wire -> 'sessions') e
          where e.type = 'custom' and not (e.id = any (p_known))) w
    join public.event_log el on el.site_id = p_site and el.session_id = w.session_id
      and el.event_id = w.id
    where el.type = 'custom' and el.hour is not null and el.props is not null
    union all
    -- The events stored before their session, of the sessions stored for the first time now.
    select el.visitor_id, el.name, el.props, el.revenue, el.currency, s.hour
    from unnest(p_new) s
    join public.event_log el on el.site_id = p_site and el.session_id = s.session_id
    where el.type = 'custom' and el.hour is null and el.props is not null
      and not exists (select 1 from unnest(p_old) o where o.session_id = s.session_id)
  ) x;
  perform private.add_property_rows(p_site, v_rows);
end
$$;

-- Builds one site's rows from the raw rows still retained, and marks it built.
create or replace function private.rebuild_property_rollups(p_site text) returns void
language plpgsql security definer set search_path = '' set jit = off as $$
declare
  v_tz text;
begin
  select st.timezone into v_tz from public.sites st where st.id = p_site;
  if not found then
    return;
  end if;
  perform pg_advisory_xact_lock(hashtextextended('sightline.ingest:' || p_site, 0));
  delete from public.property_daily where site_id = p_site;
  delete from public.property_visitor_days where site_id = p_site;
  perform private.add_property_rows(p_site, (
    select private.property_rows_json(v_tz, array_agg(e.visitor_id), array_agg(e.name),
                                      array_agg(e.props), array_agg(e.revenue),
                                      array_agg(e.currency), array_agg(e.h))
    from (
      select el.visitor_id, el.name, el.props, el.revenue, el.currency,
        coalesce(el.hour, s.hour) as h
      from public.event_log el
      left join public.sessions s on el.hour is null and s.site_id = el.site_id
        and s.session_id = el.session_id
      where el.site_id = p_site and el.type = 'custom' and el.props is not null
    ) e
    where e.h is not null));
  insert into public.property_rollup_builds (site_id) values (p_site)
  on conflict (site_id) do update set built_at = now();
end
$$;

revoke execute on function private.rebuild_property_rollups(text) from public, anon, authenticated;
grant execute on function private.rebuild_property_rollups(text) to service_role;

-- A new site has no events yet: its rollups are complete from the start.
create or replace function private.site_property_rollups() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  insert into public.property_rollup_builds (site_id) values (new.id)
  on conflict (site_id) do nothing;
  return null;
end
$$;
create or replace trigger sites_property_rollups after insert on public.sites
  for each row execute function private.site_property_rollups();

-- Builds the rollups of at most p_limit sites not built yet (those that existed before the
-- property rollups); call it while `more` is true. Returns { "built": n, "more": bool }.
create or replace function public.build_property_rollups(p_limit integer default 1)
returns jsonb
language plpgsql security definer set search_path = '' as $$
declare
  v_site text;
  v_built integer := 0;
begin
  for v_site in
    select st.id from public.sites st
    where not exists (select 1 from public.property_rollup_builds b where b.site_id = st.id)
    order by st.id
    limit least(greatest(coalesce(p_limit, 1), 1), 100)
  loop
    perform private.rebuild_property_rollups(v_site);
    v_built := v_built + 1;
  end loop;
  return jsonb_build_object('built', v_built, 'more', exists (
    select 1 from public.sites st
    where not exists (select 1 from public.property_rollup_builds b where b.site_id = st.id)));
end
$$;
revoke execute on function public.build_property_rollups(integer) from public, anon, authenticated;
grant execute on function public.build_property_rollups(integer) to service_role;

-- One event's rollup rows for [p_from, p_to) (whole local days): per key and value its visitors,
-- events and revenue.
create or replace function private.property_rollup_range(p_site text, p_tz text, p_name text,
                                                         p_from timestamptz, p_to timestamptz)
returns table (key text, value text, visitors bigint, events bigint, revenue jsonb)
language sql stable as $$
  with r as (
    select d.key, d.value, d.day, d.new_visitors, d.returning_by_gap, d.events, d.revenue
    from public.property_daily d
    where d.site_id = p_site and d.event_name = p_name
      and d.day >= (p_from at time zone p_tz)::date and d.day < (p_to at time zone p_tz)::date
  ),
  rev as (
    select y.key, y.value, jsonb_object_agg(y.currency, y.amount order by y.currency) as revenue
    from (select r.key, r.value, e.key as currency, sum(e.value::numeric) as amount
          from r cross join lateral jsonb_each_text(r.revenue) e
          where r.revenue <> '{}'
          group by 1, 2, 3) y
    group by 1, 2
  )
  select m.key, m.value, m.visitors, m.events, coalesce(v.revenue, '{}')
  from (
    select r.key, r.value,
      sum(r.new_visitors
          + coalesce(r.returning_by_gap[r.day - (p_from at time zone p_tz)::date + 1], 0))::bigint
        as visitors,
      sum(r.events)::bigint as events
    from r group by 1, 2
  ) m
  left join rev v on v.key = m.key and v.value = m.value
$$;
