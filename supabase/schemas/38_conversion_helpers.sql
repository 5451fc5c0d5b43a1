-- What the conversion reports (39_stats_*.sql) share: path patterns, the page rows and custom
-- events that complete a goal, revenue as JSON. Definitions (docs/conversions.md):
-- * a goal is completed in a session by a custom event of its name (and property value), or by
--   a page of the session whose path its pattern matches; like every report, a session and all
--   it did count in the range of the hour it started, and filters select sessions;
-- * conversions: the goal's custom events, or the page views of its pages; visitors: distinct
--   visitors with a session that completed it; revenue: the sum of its events' revenue per
--   currency.
-- Rows are read by (path | event name, hour) where they carry their session's hour (page rows
-- with the session's country, event_log rows with an hour), and through their session
-- otherwise (written before the session was stored: none or few).

-- A path pattern (packages/schema/src/path-pattern.ts) as an anchored regular expression:
-- metacharacters escaped, `**` any run of characters, `*` any run within a segment.
create or replace function private.path_pattern_regex(p_pattern text) returns text
language sql immutable parallel safe as $$
  select '^' || replace(replace(replace(
    regexp_replace(p_pattern, '([].+?^${}()|[\\])', '\\\1', 'g'),
    '**', E'\x01'), '*', '[^/]*'), E'\x01', '.*') || '$'
$$;

-- The pages of the site in [p_from, p_to) that a pattern matches: the pattern itself when it
-- has no wildcard, else the matching values of the page rollups of the days the range touches.
create or replace function private.matching_paths(p_site text, p_tz text, p_pattern text,
                                                  p_from timestamptz, p_to timestamptz)
returns text[]
language sql stable as $$
  select case when strpos(p_pattern, '*') = 0 then array[p_pattern]
    else array(
      select distinct d.value from public.daily_rollups d
      where d.site_id = p_site and d.dimension = 'page'
        and d.day >= (p_from at time zone p_tz)::date
        and d.day <= ((p_to - interval '1 microsecond') at time zone p_tz)::date
        and d.value ~ private.path_pattern_regex(p_pattern))
  end
$$;

-- The page rows of sessions that started in [p_from, p_to) with one of p_paths.
create or replace function private.page_hits(p_site text, p_paths text[], p_from timestamptz,
                                             p_to timestamptz)
returns table (session_id text, visitor_id text, path text, pageviews integer,
               first_at timestamptz)
language sql stable as $$
  select sp.session_id, sp.visitor_id, sp.path, sp.pageviews, sp.first_viewed_at
  from public.session_pages sp
  where sp.site_id = p_site and sp.path = any (p_paths) and sp.country is not null
    and sp.hour >= p_from and sp.hour < p_to
  union all
  select sp.session_id, sp.visitor_id, sp.path, sp.pageviews, sp.first_viewed_at
  from public.session_pages sp
  join public.sessions s on s.site_id = sp.site_id and s.session_id = sp.session_id
  where sp.site_id = p_site and sp.country is null and sp.path = any (p_paths)
    and s.hour >= p_from and s.hour < p_to
$$;

-- The events of one type and name of sessions that started in [p_from, p_to); with p_key, only
-- those whose property p_key, as text (strings as they are, numbers and booleans as JSON
-- writes them, null as ''), is p_value.
create or replace function private.event_hits(p_site text, p_type text, p_name text,
                                              p_key text, p_value text, p_from timestamptz,
                                              p_to timestamptz)
returns table (session_id text, visitor_id text, event_id text, at timestamptz, props jsonb,
               revenue numeric, currency text, path text)
language sql stable as $$
  select e.session_id, e.visitor_id, e.event_id, e.at, e.props, e.revenue, e.currency, e.path
  from (
    select el.* from public.event_log el
    where el.site_id = p_site and el.type = p_type and el.name = p_name
      and el.hour >= p_from and el.hour < p_to
    union all
    select el.* from public.event_log el
    join public.sessions s on s.site_id = el.site_id and s.session_id = el.session_id
    where el.site_id = p_site and el.hour is null and el.type = p_type and el.name = p_name
      and s.hour >= p_from and s.hour < p_to
  ) e
  where p_key is null
    or (e.props ? p_key and coalesce(e.props ->> p_key, '') = p_value)
$$;

-- One row per thing in [p_from, p_to) that completes goal p_goal: a matching custom event
-- (conversions 1, its revenue) or a matching page row (conversions: its page views), with the
-- first time it happened. p_paths: the goal's pages (private.matching_paths), for a page goal.
create or replace function private.goal_hits(p_site text, p_goal public.goals, p_paths text[],
                                             p_from timestamptz, p_to timestamptz)
returns table (session_id text, visitor_id text, conversions bigint, revenue numeric,
               currency text, first_at timestamptz)
language sql stable as $$
  select h.session_id, h.visitor_id, 1::bigint, h.revenue, h.currency, h.at
  from private.event_hits(p_site, 'custom', p_goal.event_name, p_goal.prop_key,
                          p_goal.prop_value, p_from, p_to) h
  where p_goal.event_name is not null
  union all
  select p.session_id, p.visitor_id, p.pageviews::bigint, null, null, p.first_at
  from private.page_hits(p_site, p_paths, p_from, p_to) p
  where p_goal.page_path is not null
$$;

-- Revenue per currency as a JSON object, { "EUR": 129.8, ... }; {} for none.
create or replace function private.revenue_json(p_currencies text[], p_amounts numeric[])
returns jsonb
language sql immutable parallel safe as $$
  select coalesce(jsonb_object_agg(r.currency, r.amount order by r.currency), '{}')
  from (
    select c.currency, sum(c.amount) as amount
    from unnest(p_currencies, p_amounts) c(currency, amount)
    where c.currency is not null
    group by 1
  ) r
$$;

-- A goal of the site as the caller may read it (RLS), or 22023 when there is none.
create or replace function private.site_goal(p_site text, p_goal bigint) returns public.goals
language plpgsql stable as $$
declare
  v_goal public.goals;
begin
  select * into v_goal from public.goals g where g.site_id = p_site and g.id = p_goal;
  if not found then
    raise exception 'goal % is not a goal of site "%"', p_goal, p_site using errcode = '22023';
  end if;
  return v_goal;
end
$$;
