-- Goals as keys of daily rollups (tables: migration 0015; docs/conversions.md, "How fast").
-- The conversion reports read goal_daily for ranges of whole local days, without filters or
-- with one filter on a session dimension, instead of evaluating the goal over the raw rows of
-- the range. Definitions as in 38_conversion_helpers.sql: a session counts on the local day of
-- its start hour, with all it did; conversions are a goal's custom events or the page views of
-- its pages; revenue is its events' per currency.
--
-- Kept by:
-- * ingest_batch (private.update_goal_rollups, after the daily rollups): the goals' rows of the
--   sessions the flush touched are recomputed from the stored session, page rows and custom
--   events, and the difference to what was stored is applied (events that came before their
--   session count when the session is stored);
-- * a goal created or changed (trigger goals_rollups): its build is dropped at once, so that
--   the reports evaluate it on the raw rows and flushes leave it alone; its rows are rebuilt
--   from the raw rows still retained in the same transaction when there are few of them
--   (private.goal_build_is_small), else by public.build_goal_rollups, which the ingest Worker's
--   hourly Cron Trigger calls (a goal of a large site takes up to a minute: too long for the
--   dashboard's request).

-- A session's keys: the site total and each session dimension with the session's value
-- (goal_session_rows adds its pages and events).
create or replace function private.goal_session_keys(s public.sessions) returns text[]
language sql immutable parallel safe as $$
  select array[
    -- for every session column (src/dimensions.ts): '{name}' || E'\x1f' || s.{column},
    'entry_page' || E'\x1f' || s.entry_path,
    'exit_page' || E'\x1f' || s.exit_path,
    'referrer' || E'\x1f' || s.referrer_host,
    'referrer_class' || E'\x1f' || s.referrer_class,
    'country' || E'\x1f' || s.country,
    'region' || E'\x1f' || s.region,
    'city' || E'\x1f' || s.city,
    'device' || E'\x1f' || s.device,
    'browser' || E'\x1f' || s.browser,
    'os' || E'\x1f' || s.os,
    'utm_source' || E'\x1f' || s.utm_source,
    'utm_medium' || E'\x1f' || s.utm_medium,
    'utm_campaign' || E'\x1f' || s.utm_campaign,
    'utm_term' || E'\x1f' || s.utm_term,
    'utm_content' || E'\x1f' || s.utm_content,
    'click_id' || E'\x1f' || s.click_id,
    -- end for
    E'\x1f']
$$;

-- A goal's definition as goal_rollup_builds keeps it, with the version of the keys its rows
-- hold (2: with the pages and events of the sessions): rows built for another version are
-- built again (by build_goal_rollups) and read only then.
create or replace function private.goal_definition(g public.goals) returns jsonb
language sql immutable parallel safe as $$
  select jsonb_build_object('event_name', g.event_name, 'page_path', g.page_path,
                            'prop_key', g.prop_key, 'prop_value', g.prop_value, 'keys', 2)
$$;

-- Revenue objects summed per currency ({} for none); p_sign -1 subtracts the second.
create or replace function private.revenue_add(a jsonb, b jsonb, p_sign integer default 1)
returns jsonb
language sql immutable parallel safe as $$
  select coalesce(jsonb_object_agg(x.currency, x.amount order by x.currency), '{}')
  from (
    select c.key as currency, sum(c.amount) as amount
    from (
      select e.key, e.value::numeric as amount from jsonb_each_text(a) e
      union all
      select e.key, p_sign * e.value::numeric from jsonb_each_text(b) e
    ) c
    group by 1
  ) x
$$;

-- The goal's rows (goal_sessions) of the stored sessions among p_sessions (null: all the
-- site's, for a rebuild) that complete it.
create or replace function private.goal_session_rows(p_site text, p_tz text, p_goal public.goals,
                                                     p_sessions text[])
returns setof public.goal_sessions
language plpgsql stable set plan_cache_mode = force_custom_plan as $$
declare
  v_paths text[];
begin
  if p_goal.page_path is not null and p_sessions is null then
    -- A rebuild: the pattern's pages from the page rollups of every day (an index read of
    -- their rows by path then, instead of a regular expression per page row).
    v_paths := case when strpos(p_goal.page_path, '*') = 0 then array[p_goal.page_path]
      else array(select distinct d.value from public.daily_rollups d
                 where d.site_id = p_site and d.dimension = 'page'
                   and d.value ~ private.path_pattern_regex(p_goal.page_path)) end;
  end if;
  return query
    with hits as (
      select el.session_id, 1::bigint as conversions, el.revenue, el.currency
      from public.event_log el
      where p_goal.event_name is not null and el.site_id = p_site and el.type = 'custom'
        and el.name = p_goal.event_name
        and (p_sessions is null or el.session_id = any (p_sessions))
        and (p_goal.prop_key is null or (el.props ? p_goal.prop_key
             and coalesce(el.props ->> p_goal.prop_key, '') = p_goal.prop_value))
      union all
      -- (a rebuild: by path, the rows that carry their session's country from
      -- session_pages_path, the few others from session_pages_unknown_country)
      select sp.session_id, sp.pageviews::bigint, null, null
      from public.session_pages sp
      where p_goal.page_path is not null and p_sessions is null and sp.site_id = p_site
        and sp.path = any (v_paths) and sp.country is not null
      union all
      select sp.session_id, sp.pageviews::bigint, null, null
      from public.session_pages sp
      where p_goal.page_path is not null and p_sessions is null and sp.site_id = p_site
        and sp.path = any (v_paths) and sp.country is null
      union all
      select sp.session_id, sp.pageviews::bigint, null, null
      from public.session_pages sp
      where p_goal.page_path is not null and p_sessions is not null and sp.site_id = p_site
        and sp.session_id = any (p_sessions)
        and sp.path ~ private.path_pattern_regex(p_goal.page_path)
    ),
    per_session as (
      select h.session_id, sum(h.conversions)::bigint as conversions,
        array_agg(h.currency) as currencies, array_agg(h.revenue) as amounts
      from hits h
      group by 1
    )
    select p_goal.id, s.session_id, s.visitor_id, (s.hour at time zone p_tz)::date,
      p.conversions, private.revenue_json(p.currencies, p.amounts),
      private.goal_session_keys(s)
        -- The pages it viewed and the custom events it sent (page and event breakdowns).
        || array(select 'page' || E'\x1f' || sp.path from public.session_pages sp
                 where sp.site_id = p_site and sp.session_id = s.session_id order by 1)
        || array(select 'event' || E'\x1f' || se.name from public.session_events se
                 where se.site_id = p_site and se.session_id = s.session_id order by 1)
    from per_session p
    join public.sessions s on s.site_id = p_site and s.session_id = p.session_id;
end
$$;

-- A key's dimension and value.
create or replace function private.goal_key_dimension(p_key text) returns text
language sql immutable parallel safe as $$
  select split_part(p_key, E'\x1f', 1)
$$;
create or replace function private.goal_key_value(p_key text) returns text
language sql immutable parallel safe as $$
  select substr(p_key, strpos(p_key, E'\x1f') + 1)
$$;

-- The unique-visitor changes of flipped keys of visitor days (sessions +1: the key became
-- active that day, -1: no longer), per (goal, key, day): new_visitors and returning_by_gap to
-- add. Reads goal_visitor_days after the change; before it the flipped days were the other way
-- round. As private.unique_visitor_changes does for visitor_days.
create or replace function private.goal_unique_changes(p_flips private.goal_key_delta[])
returns setof public.goal_daily
language sql stable as $$
  with flips as (
    select * from unnest(p_flips)
  ),
  chains as (
    select f.goal_id, f.visitor_id, array_agg(distinct f.key) as keys
    from flips f
    group by 1, 2
  ),
  days as (
    -- new: active after the change; old: before it (a flip toggles it).
    select x.goal_id, x.key, x.visitor_id, x.day, max(x.active) = 1 as new,
      (max(x.active) # max(x.flip)) = 1 as old
    from (
      select c.goal_id, o.key, c.visitor_id, o.day, 1 as active, 0 as flip
      from chains c
      cross join lateral (
        select k.key, v.day from public.goal_visitor_days v
        cross join lateral unnest(c.keys) k(key)
        where v.goal_id = c.goal_id and v.visitor_id = c.visitor_id and v.keys ? k.key
        offset 0 -- a lookup per visitor, not a hash join of the whole table
      ) o
      union all
      select f.goal_id, f.key, f.visitor_id, f.day, 0, 1 from flips f
    ) x
    group by 1, 2, 3, 4
  ),
  chain_delta as (
    select c.goal_id, c.key, c.day, c.prev_day, sum(c.sign)::integer as visitors
    from (
      select d.goal_id, d.key, d.day, -1 as sign,
        lag(d.day) over (partition by d.goal_id, d.key, d.visitor_id order by d.day) as prev_day
      from days d where d.old
      union all
      select d.goal_id, d.key, d.day, 1,
        lag(d.day) over (partition by d.goal_id, d.key, d.visitor_id order by d.day)
      from days d where d.new
    ) c
    group by 1, 2, 3, 4
    having sum(c.sign) <> 0
  )
  select c.goal_id, private.goal_key_dimension(c.key), private.goal_key_value(c.key), c.day,
    0::bigint, '{}'::jsonb,
    coalesce(sum(c.visitors) filter (where c.prev_day is null), 0)::integer,
    coalesce(private.gap_counts(array_agg(c.day - c.prev_day) filter (where c.prev_day is not null),
                                array_agg(c.visitors) filter (where c.prev_day is not null)), '{}')
  from chain_delta c
  group by c.goal_id, c.key, c.day
$$;

-- Adds measure and unique-visitor changes to goal_daily: at most one row of each kind per
-- (goal, key, day) (the other's revenue {} and returning_by_gap {}: the one set is taken).
create or replace function private.add_goal_daily(p_rows public.goal_daily[]) returns void
language sql as $$
  insert into public.goal_daily as d (goal_id, dimension, value, day, conversions, revenue,
                                      new_visitors, returning_by_gap)
  select r.goal_id, r.dimension, r.value, r.day, sum(r.conversions),
    coalesce((array_agg(r.revenue) filter (where r.revenue <> '{}'))[1], '{}'),
    sum(r.new_visitors)::integer, max(r.returning_by_gap)
  from unnest(p_rows) r
  group by 1, 2, 3, 4
  order by 1, 2, 4, 3
  on conflict (goal_id, dimension, day, value) do update set
    conversions = d.conversions + excluded.conversions,
    revenue = case when excluded.revenue = '{}' then d.revenue
                   else private.revenue_add(d.revenue, excluded.revenue) end,
    new_visitors = d.new_visitors + excluded.new_visitors,
    returning_by_gap = case when cardinality(excluded.returning_by_gap) = 0
                            then d.returning_by_gap
                            else private.int_array_add(d.returning_by_gap,
                                                       excluded.returning_by_gap) end
$$;

-- ingest_batch's step: the goals' rows of the sessions the flush touched (p_new: its sessions
-- as stored now; p_wire: the flush, for its events' sessions) recomputed, and the difference
-- applied to goal_sessions, goal_visitor_days and goal_daily. Nothing to do (not even reading
-- the flush again) for a site without goals.
create or replace function private.update_goal_rollups(p_site text, p_tz text,
                                                       p_new public.sessions[], p_wire jsonb)
returns void
language plpgsql set plan_cache_mode = force_custom_plan as $$
declare
  p_sessions text[];
  v_goals bigint[];
  v_keys private.goal_key_delta[];
  v_measures public.goal_daily[];
  v_flips private.goal_key_delta[];
begin
  select array_agg(b.goal_id) into v_goals
  from public.goals g
  join public.goal_rollup_builds b
    on b.goal_id = g.id and b.definition = private.goal_definition(g)
  where g.site_id = p_site;
  if v_goals is null then
    return;
  end if;
  p_sessions := array(
    select s.session_id from unnest(p_new) s
    union
    select e.session_id from private.wire_events(p_wire -> 'events', p_wire -> 'sessions') e
    where e.type in ('pageview', 'custom') and e.session_id is not null);
  if cardinality(p_sessions) = 0 then
    return;
  end if;
  with cur as (
    select r.*
    from public.goals g
    cross join lateral private.goal_session_rows(p_site, p_tz, g, p_sessions) r
    where g.id = any (v_goals)
  ),
  old as (
    select o.* from public.goal_sessions o
    where o.goal_id = any (v_goals) and o.session_id = any (p_sessions)
  ),
  diff as (
    -- +1 the rows as they are now, -1 as they were. n: versions of the session's row (1: new
    -- or gone); same: 2 when both are equal (the session changed nothing of this goal).
    select x.*, count(*) over (partition by x.goal_id, x.session_id) as n,
      count(*) over (partition by x.goal_id, x.session_id, x.visitor_id, x.day, x.conversions,
                                  x.revenue, x.keys) as same
    from (
      select c.*, 1 as sign from cur c
      union all
      select o.*, -1 from old o
    ) x
  ),
  changed as (
    select d.* from diff d where d.same = 1
  ),
  stored as (
    insert into public.goal_sessions as gs
    select c.goal_id, c.session_id, c.visitor_id, c.day, c.conversions, c.revenue, c.keys
    from changed c where c.sign = 1
    order by 1, 2
    on conflict (goal_id, session_id) do update set visitor_id = excluded.visitor_id,
      day = excluded.day, conversions = excluded.conversions, revenue = excluded.revenue,
      keys = excluded.keys
  ),
  dropped as (
    delete from public.goal_sessions gs
    using changed c
    where c.sign = -1 and c.n = 1 and gs.goal_id = c.goal_id and gs.session_id = c.session_id
  ),
  per_key as (
    select c.goal_id, k.key, c.visitor_id, c.day, c.sign, c.conversions, c.revenue
    from changed c
    cross join lateral unnest(c.keys) k(key)
  )
  select
    (select array_agg(row(p.goal_id, p.visitor_id, p.day, p.key,
                          p.sessions)::private.goal_key_delta)
     from (select goal_id, visitor_id, day, key, sum(sign)::integer as sessions
           from per_key group by 1, 2, 3, 4 having sum(sign) <> 0) p),
    (select array_agg(row(m.goal_id, private.goal_key_dimension(m.key),
                          private.goal_key_value(m.key), m.day, m.conversions,
                          coalesce(r.revenue, '{}'), 0, '{}')::public.goal_daily)
     from (select x.goal_id, x.key, x.day, sum(x.sign * x.conversions)::bigint as conversions
           from per_key x group by 1, 2, 3) m
     left join (
       select y.goal_id, y.key, y.day, jsonb_object_agg(y.currency, y.amount) as revenue
       from (select x.goal_id, x.key, x.day, e.key as currency,
               sum(x.sign * e.value::numeric) as amount
             from per_key x cross join lateral jsonb_each_text(x.revenue) e
             where x.revenue <> '{}'
             group by 1, 2, 3, 4) y
       group by 1, 2, 3
     ) r on r.goal_id = m.goal_id and r.key = m.key and r.day = m.day)
  into v_keys, v_measures;
  if v_keys is null and v_measures is null then
    return;
  end if;

  -- The visitor days' keys: sessions added up; a key left without sessions goes, and a day
  -- left without keys. The flips: keys that became active (+1) or inactive (-1) on a day.
  with changes as (
    select k.goal_id, k.visitor_id, k.day, k.key, k.sessions as delta,
      coalesce((v.keys ->> k.key)::integer, 0) as old, v.keys as stored
    from unnest(v_keys) k
    left join public.goal_visitor_days v on v.goal_id = k.goal_id
      and v.visitor_id = k.visitor_id and v.day = k.day
  ),
  merged as (
    select c.goal_id, c.visitor_id, c.day, bool_or(c.stored is not null) as stored,
      jsonb_strip_nulls(coalesce(any_value(c.stored), '{}')
        || jsonb_object_agg(c.key, case when c.old + c.delta > 0 then c.old + c.delta end))
        as keys
    from changes c
    group by 1, 2, 3
  ),
  kept as (
    insert into public.goal_visitor_days as v
    select m.goal_id, m.visitor_id, m.day, m.keys
    from merged m where m.keys <> '{}'
    order by 1, 2, 3
    on conflict (goal_id, visitor_id, day) do update set keys = excluded.keys
  ),
  gone as (
    delete from public.goal_visitor_days v
    using merged m
    where m.stored and m.keys = '{}' and v.goal_id = m.goal_id
      and v.visitor_id = m.visitor_id and v.day = m.day
  )
  select array_agg(row(c.goal_id, c.visitor_id, c.day, c.key,
                       case when c.old > 0 then -1 else 1 end)::private.goal_key_delta)
  into v_flips
  from changes c
  where (c.old > 0) <> (c.old + c.delta > 0);

  perform private.add_goal_daily(coalesce(v_measures, '{}')
    || coalesce(array(select u from private.goal_unique_changes(v_flips) u), '{}'));
end
$$;

-- Rebuilds one goal's rows from the raw rows still retained (days whose raw rows retention
-- has dropped keep no rows: the definition they were counted for is gone).
create or replace function private.rebuild_goal_rollups(p_goal bigint) returns void
language plpgsql security definer set search_path = '' set jit = off as $$
declare
  v_goal public.goals;
  v_tz text;
begin
  select * into v_goal from public.goals g where g.id = p_goal;
  if not found then
    return;
  end if;
  select st.timezone into v_tz from public.sites st where st.id = v_goal.site_id;
  -- The same lock as ingest_batch's: no flush of the site runs halfway through the rebuild.
  perform pg_advisory_xact_lock(hashtextextended('sightline.ingest:' || v_goal.site_id, 0));
  delete from public.goal_daily where goal_id = p_goal;
  delete from public.goal_visitor_days where goal_id = p_goal;
  delete from public.goal_sessions where goal_id = p_goal;
  insert into public.goal_sessions
  select * from private.goal_session_rows(v_goal.site_id, v_tz, v_goal, null);
  insert into public.goal_visitor_days
  select p_goal, d.visitor_id, d.day, jsonb_object_agg(d.key, d.sessions)
  from (
    select s.visitor_id, s.day, k.key, count(*) as sessions
    from public.goal_sessions s
    cross join lateral unnest(s.keys) k(key)
    where s.goal_id = p_goal
    group by 1, 2, 3
  ) d
  group by 1, 2, 3;
  insert into public.goal_daily (goal_id, dimension, value, day, conversions, revenue,
                                 new_visitors, returning_by_gap)
  with per_key as (
    -- Per key, visitor and day: the conversions of its sessions.
    select k.key, s.visitor_id, s.day, sum(s.conversions) as conversions
    from public.goal_sessions s
    cross join lateral unnest(s.keys) k(key)
    where s.goal_id = p_goal
    group by 1, 2, 3
  ),
  chains as (
    select p.key, p.day, p.conversions,
      lag(p.day) over (partition by p.key, p.visitor_id order by p.day) as prev
    from per_key p
  ),
  per_day as (
    select c.key, c.day, sum(c.conversions)::bigint as conversions,
      count(*) filter (where c.prev is null)::integer as n,
      array_agg(c.day - c.prev) filter (where c.prev is not null) as gaps
    from chains c
    group by 1, 2
  ),
  revenue as (
    select x.key, x.day, jsonb_object_agg(x.currency, x.amount order by x.currency) as revenue
    from (select k.key, s.day, c.key as currency, sum(c.value::numeric) as amount
          from public.goal_sessions s
          cross join lateral jsonb_each_text(s.revenue) c
          cross join lateral unnest(s.keys) k(key)
          where s.goal_id = p_goal and s.revenue <> '{}'
          group by 1, 2, 3) x
    group by 1, 2
  )
  select p_goal, private.goal_key_dimension(d.key), private.goal_key_value(d.key), d.day,
    d.conversions, coalesce(r.revenue, '{}'), d.n,
    coalesce(private.gap_counts(d.gaps, array_fill(1, array[coalesce(cardinality(d.gaps), 0)])),
             '{}')
  from per_day d
  left join revenue r on r.key = d.key and r.day = d.day;
  insert into public.goal_rollup_builds (goal_id, definition)
  values (p_goal, private.goal_definition(v_goal))
  on conflict (goal_id) do update set definition = excluded.definition, built_at = now();
end
$$;
revoke execute on function private.update_goal_rollups(text, text, public.sessions[], jsonb)
  from public, anon, authenticated;
grant execute on function private.update_goal_rollups(text, text, public.sessions[], jsonb)
  to service_role;
revoke execute on function private.rebuild_goal_rollups(bigint) from public, anon, authenticated;
grant execute on function private.rebuild_goal_rollups(bigint) to service_role;

-- Whether a goal has few enough raw rows to be built inside the write that defines it: at most
-- sightline.goal_build_sync_rows (default 20,000) custom events of its name or page rows of its
-- pages (a few seconds at most; the tests set 0 to take the other path).
create or replace function private.goal_build_is_small(p_goal public.goals) returns boolean
language plpgsql stable as $$
declare
  v_max integer := coalesce(
    nullif(current_setting('sightline.goal_build_sync_rows', true), '')::integer, 20000);
  v_paths text[];
  v_rows integer;
begin
  if p_goal.event_name is not null then
    select count(*) into v_rows from (
      select 1 from public.event_log el
      where el.site_id = p_goal.site_id and el.type = 'custom' and el.name = p_goal.event_name
      limit v_max + 1) x;
  else
    v_paths := array(select distinct d.value from public.daily_rollups d
                     where d.site_id = p_goal.site_id and d.dimension = 'page'
                       and d.value ~ private.path_pattern_regex(p_goal.page_path));
    -- By path (session_pages_path) and the few rows without their session's country.
    select count(*) into v_rows from (
      (select 1 from public.session_pages sp
       where sp.site_id = p_goal.site_id and sp.path = any (v_paths) and sp.country is not null
       limit v_max + 1)
      union all
      (select 1 from public.session_pages sp
       where sp.site_id = p_goal.site_id and sp.path = any (v_paths) and sp.country is null
       limit v_max + 1)) x;
  end if;
  return v_rows <= v_max;
end
$$;

-- A goal created, or its definition changed: its build dropped, and made again now if small.
create or replace function private.goal_rollups_changed() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if tg_op = 'INSERT'
     or private.goal_definition(old) is distinct from private.goal_definition(new) then
    delete from public.goal_rollup_builds where goal_id = new.id;
    if private.goal_build_is_small(new) then
      perform private.rebuild_goal_rollups(new.id);
    end if;
  end if;
  return null;
end
$$;
create or replace trigger goals_rollups after insert or update on public.goals
  for each row execute function private.goal_rollups_changed();

-- Builds the rollups of at most p_limit goals (oldest first) not built for their definition;
-- the ingest Worker's hourly Cron Trigger calls it while `more` is true (apps/ingest
-- src/lib/goal-rollups.ts). Returns { "built": n, "more": bool }.
create or replace function public.build_goal_rollups(p_limit integer default 1)
returns jsonb
language plpgsql security definer set search_path = '' as $$
declare
  v_goal bigint;
  v_built integer := 0;
begin
  for v_goal in
    select g.id from public.goals g
    left join public.goal_rollup_builds b on b.goal_id = g.id
    where b.definition is distinct from private.goal_definition(g)
    order by g.id
    limit least(greatest(coalesce(p_limit, 1), 1), 100)
  loop
    perform private.rebuild_goal_rollups(v_goal);
    v_built := v_built + 1;
  end loop;
  return jsonb_build_object('built', v_built, 'more', exists (
    select 1 from public.goals g
    left join public.goal_rollup_builds b on b.goal_id = g.id
    where b.definition is distinct from private.goal_definition(g)));
end
$$;
revoke execute on function public.build_goal_rollups(integer) from public, anon, authenticated;
grant execute on function public.build_goal_rollups(integer) to service_role;

-- One goal's rollup rows for [p_from, p_to) (whole local days) of one key dimension (''), with
-- p_value only that value: per value its converting visitors, conversions and revenue. Null
-- (no row) when the goal's rows were not built for its definition: evaluate it instead.
create or replace function private.goal_rollup_range(p_goal public.goals, p_tz text,
                                                     p_dimension text, p_value text,
                                                     p_from timestamptz, p_to timestamptz)
returns table (value text, visitors bigint, conversions bigint, revenue jsonb)
language sql stable as $$
  with r as (
    select d.value, d.day, d.new_visitors, d.returning_by_gap, d.conversions, d.revenue
    from public.goal_daily d
    where d.goal_id = p_goal.id and d.dimension = p_dimension
      and d.day >= (p_from at time zone p_tz)::date and d.day < (p_to at time zone p_tz)::date
      and (p_value is null or d.value = p_value)
  ),
  -- Revenue per value in one pass (a lookup of the value's rows per value was quadratic in the
  -- rows of a dimension with many values: pages).
  rev as (
    select y.value, jsonb_object_agg(y.currency, y.amount order by y.currency) as revenue
    from (select r.value, e.key as currency, sum(e.value::numeric) as amount
          from r cross join lateral jsonb_each_text(r.revenue) e
          where r.revenue <> '{}'
          group by 1, 2) y
    group by 1
  )
  select m.value, m.visitors, m.conversions, coalesce(v.revenue, '{}')
  from (
    select r.value,
      sum(r.new_visitors
          + coalesce(r.returning_by_gap[r.day - (p_from at time zone p_tz)::date + 1], 0))::bigint
        as visitors,
      sum(r.conversions)::bigint as conversions
    from r
    group by r.value
  ) m
  left join rev v on v.value = m.value
$$;

-- Whether the reports may read a goal's rollups for this range and these filters: whole local
-- days, rows built for the goal's definition, and no filter or one on a session dimension (its
-- key). Returns the key dimension and value, or null.
create or replace function private.goal_rollup_key(p_goal public.goals, p_tz text,
                                                   p_from timestamptz, p_to timestamptz,
                                                   p_filters jsonb)
returns text[]
language sql stable as $$
  select case
    when not (private.is_local_midnight(p_from, p_tz) and private.is_local_midnight(p_to, p_tz))
      or not exists (select 1 from public.goal_rollup_builds b
                     where b.goal_id = p_goal.id
                       and b.definition = private.goal_definition(p_goal)) then null
    when p_filters = '{}' then array['', '']
    when (select count(*) from jsonb_object_keys(p_filters)) = 1
      and not p_filters ?| array['page', 'event']
      then (select array[f.key, f.value] from jsonb_each_text(p_filters) f)
  end
$$;
