-- Reading RPCs for the dashboard and API. All are SECURITY INVOKER: they read through the
-- caller's RLS policies, so a dashboard token sees only the sites in its site_ids claim and
-- nothing here needs its own permission logic (one place to audit: 0004_security.sql).
--
-- Three paths, same definitions, same numbers:
-- * daily rollups: when the range is whole local days ([local midnight, local midnight)) and
--   the filters are answerable from one dimension's rollup (none, or one filter that is not
--   `event`, or a country and a page: page@<country>; for breakdowns, none or one on the
--   breakdown's own dimension, or a page breakdown filtered by a country, and maybe a page).
--   Everything comes from daily_rollups, exact unique visitors included: one row per (value,
--   day) in range, whatever the traffic.
-- * hourly rollups: overviews and time series without filters over any other range: the
--   site-total hourly rollups, and the distinct visitors of the range's sessions from the
--   index on (site_id, hour) that carries visitor_id.
-- * sessions: any other range or filter combination, computed exactly from sessions
--   (+ session_pages / session_events). Cost: proportional to the sessions in range, or with a
--   `country` filter to that country's sessions in range: an index-only scan of
--   sessions_country (0007_read_paths.sql), and for page breakdowns a range scan of
--   session_pages_country instead of a session_pages lookup per session.
-- The RPCs plan each query for its actual arguments (plan_cache_mode = force_custom_plan):
-- a cached generic plan would keep a test of every absent filter per session and one plan for
-- a range of an hour and one of 90 days.
-- Definitions: a session and all its activity count in the local hour it started. With a
-- `page` filter, pageviews and engaged time are those of that page. A breakdown filtered by its
-- own dimension lists only that value (a page breakdown filtered by a page: that page; an event
-- breakdown filtered by an event: that event). bounce = a session with exactly one page view; a
-- page's bounce rate is that of the sessions that viewed it.

create function private.dimensions() returns text[]
language sql immutable parallel safe as $$
  select array['page', 'entry_page', 'exit_page', 'referrer', 'referrer_class', 'country',
               'region', 'city', 'device', 'browser', 'os', 'utm_source', 'utm_medium',
               'utm_campaign', 'event']
$$;

-- 22023 (invalid_parameter_value) is answered by PostgREST with HTTP 400.
create function private.check_filters(p_filters jsonb) returns void
language plpgsql immutable as $$
declare
  v_bad text;
begin
  if p_filters is null or jsonb_typeof(p_filters) <> 'object' then
    raise exception 'p_filters must be a JSON object of dimension: value' using errcode = '22023';
  end if;
  select key into v_bad from jsonb_each(p_filters)
  where key <> all (private.dimensions()) or jsonb_typeof(value) <> 'string'
  limit 1;
  if v_bad is not null then
    raise exception 'invalid filter "%"', v_bad using errcode = '22023',
      hint = 'filters are { "<dimension>": "<string>" } with dimensions ' || array_to_string(private.dimensions(), ', ');
  end if;
end
$$;

create function private.check_range(p_from timestamptz, p_to timestamptz) returns void
language plpgsql immutable as $$
begin
  if p_from is null or p_to is null or p_to <= p_from then
    raise exception 'p_to must be after p_from' using errcode = '22023';
  end if;
end
$$;

-- The site's time zone as the caller may see it. A site RLS hides and a site that does not
-- exist get the same insufficient_privilege error (PostgREST: 403 with a token, 401 for anon).
create function private.site_timezone(p_site text) returns text
language plpgsql stable as $$
declare
  v_tz text;
begin
  select timezone into v_tz from public.sites where id = p_site;
  if v_tz is null then
    raise exception 'site "%" not found or not readable with this token', p_site
      using errcode = '42501';
  end if;
  return v_tz;
end
$$;

create function private.is_local_midnight(p_at timestamptz, p_tz text) returns boolean
language sql immutable parallel safe as $$
  select p_at = date_trunc('day', p_at, p_tz)
$$;

-- Sessions matching every filter, with the measures the filters select and the value of
-- p_dimension (a session-level dimension, or '' ) for breakdowns. The filters are plain column
-- comparisons (one lookup of p_filters per dimension, no subquery per session); each is folded
-- to a constant or a column test when the query is planned for its arguments. Without a `page`
-- filter only the first branch remains, reading no more than sessions_country (0007) holds for
-- a `country` filter with device/browser/os/referrer_class ones: an index-only scan.
create function private.filtered_sessions(p_site text, p_from timestamptz, p_to timestamptz,
                                          p_filters jsonb, p_dimension text default '')
returns table (session_id text, visitor_id text, hour timestamptz, value text,
               pageviews bigint, engaged_ms bigint, bounce integer)
language sql stable as $$
  select s.session_id, s.visitor_id, s.hour,
    case p_dimension
      when 'entry_page' then s.entry_path
      when 'exit_page' then s.exit_path
      when 'referrer' then s.referrer_host
      when 'referrer_class' then s.referrer_class
      when 'country' then s.country
      when 'region' then s.region
      when 'city' then s.city
      when 'device' then s.device
      when 'browser' then s.browser
      when 'os' then s.os
      when 'utm_source' then s.utm_source
      when 'utm_medium' then s.utm_medium
      when 'utm_campaign' then s.utm_campaign
      else ''
    end,
    s.m_pageviews, s.m_engaged_ms, (s.pageviews = 1)::integer
  from (
    select s.*, s.pageviews::bigint as m_pageviews, s.engaged_ms as m_engaged_ms
    from public.sessions s
    where not p_filters ? 'page'
    union all
    -- With a `page` filter: the sessions that viewed the page, with its page views and time.
    -- One lookup per session (offset 0 keeps it so): under RLS the planner prices the
    -- primary-key probes high and would hash-join the whole table instead.
    select s.*, sp.pageviews::bigint, sp.engaged_ms
    from public.sessions s
    cross join lateral (
      select sp.pageviews, sp.engaged_ms
      from public.session_pages sp
      where sp.site_id = s.site_id and sp.session_id = s.session_id
        and sp.path = p_filters ->> 'page'
      offset 0
    ) sp
    where p_filters ? 'page'
  ) s
  where s.site_id = p_site and s.hour >= p_from and s.hour < p_to
    and (not p_filters ? 'entry_page' or s.entry_path = p_filters ->> 'entry_page')
    and (not p_filters ? 'exit_page' or s.exit_path = p_filters ->> 'exit_page')
    and (not p_filters ? 'referrer' or s.referrer_host = p_filters ->> 'referrer')
    and (not p_filters ? 'referrer_class' or s.referrer_class = p_filters ->> 'referrer_class')
    and (not p_filters ? 'country' or s.country = p_filters ->> 'country')
    and (not p_filters ? 'region' or s.region = p_filters ->> 'region')
    and (not p_filters ? 'city' or s.city = p_filters ->> 'city')
    and (not p_filters ? 'device' or s.device = p_filters ->> 'device')
    and (not p_filters ? 'browser' or s.browser = p_filters ->> 'browser')
    and (not p_filters ? 'os' or s.os = p_filters ->> 'os')
    and (not p_filters ? 'utm_source' or s.utm_source = p_filters ->> 'utm_source')
    and (not p_filters ? 'utm_medium' or s.utm_medium = p_filters ->> 'utm_medium')
    and (not p_filters ? 'utm_campaign' or s.utm_campaign = p_filters ->> 'utm_campaign')
    and (not p_filters ? 'event' or exists (
      select 1 from public.session_events se
      where se.site_id = s.site_id and se.session_id = s.session_id
        and se.name = p_filters ->> 'event'
      offset 0))
$$;

-- The daily rollup (dimension, value) that holds exactly the sessions a set of filters selects,
-- if there is one: the site total (no filter), one filter (not event: its rollups count
-- sessions with the event, not their measures), or a country and a page (page@country).
create function private.daily_rollup_of(p_filters jsonb) returns text[]
language sql immutable parallel safe as $$
  select case
    when p_filters = '{}' then array['', '']
    when p_filters ?& array['country', 'page'] and p_filters - 'country' - 'page' = '{}'
      then array['page@' || (p_filters ->> 'country'), p_filters ->> 'page']
    when not p_filters ? 'event' and (select count(*) from jsonb_object_keys(p_filters)) = 1
      then (select array[f.key, f.value] from jsonb_each_text(p_filters) f)
  end
$$;

-- visitors, visits, pageviews, bounces, engaged_ms of one range.
create function private.range_totals(p_site text, p_tz text, p_from timestamptz,
                                     p_to timestamptz, p_filters jsonb)
returns table (visitors bigint, visits bigint, pageviews bigint, bounces bigint,
               engaged_ms bigint)
language plpgsql stable as $$
declare
  v_rollup text[] := private.daily_rollup_of(p_filters);
  v_from date;
  v_to date;
begin
  if v_rollup is not null
     and private.is_local_midnight(p_from, p_tz) and private.is_local_midnight(p_to, p_tz) then
    v_from := (p_from at time zone p_tz)::date;
    v_to := (p_to at time zone p_tz)::date;
    return query
      select
        coalesce(sum(d.new_visitors + coalesce(d.returning_by_gap[d.day - v_from + 1], 0)), 0)::bigint,
        coalesce(sum(d.visits), 0)::bigint, coalesce(sum(d.pageviews), 0)::bigint,
        coalesce(sum(d.bounces), 0)::bigint, coalesce(sum(d.engaged_ms), 0)::bigint
      from public.daily_rollups d
      where d.site_id = p_site and d.dimension = v_rollup[1] and d.value = v_rollup[2]
        and d.day >= v_from and d.day < v_to;
  elsif p_filters = '{}' then
    -- No filter, any range: the site-total hourly rollups (a range holds the sessions whose
    -- start hour lies in it, as in every path), and the distinct visitors of those sessions
    -- from the index on (site_id, hour) that carries visitor_id.
    return query
      select
        (select count(distinct s.visitor_id) from public.sessions s
         where s.site_id = p_site and s.hour >= p_from and s.hour < p_to),
        coalesce(sum(r.visits), 0)::bigint, coalesce(sum(r.pageviews), 0)::bigint,
        coalesce(sum(r.bounces), 0)::bigint, coalesce(sum(r.engaged_ms), 0)::bigint
      from public.rollups r
      where r.site_id = p_site and r.dimension = '' and r.value = ''
        and r.hour >= p_from and r.hour < p_to;
  else
    return query
      select count(distinct f.visitor_id), count(*), coalesce(sum(f.pageviews), 0)::bigint,
        coalesce(sum(f.bounce), 0)::bigint, coalesce(sum(f.engaged_ms), 0)::bigint
      from private.filtered_sessions(p_site, p_from, p_to, p_filters) f;
  end if;
end
$$;

-- Start of the equal-length period before [p_from, p_to). For whole local days it is counted in
-- local days, so that a range across a DST change still compares whole days with whole days.
create function private.previous_from(p_from timestamptz, p_to timestamptz, p_tz text)
returns timestamptz
language sql immutable parallel safe as $$
  select case
    when private.is_local_midnight(p_from, p_tz) and private.is_local_midnight(p_to, p_tz) then
      ((p_from at time zone p_tz)::date
        - ((p_to at time zone p_tz)::date - (p_from at time zone p_tz)::date))::timestamp
        at time zone p_tz
    else p_from - (p_to - p_from)
  end
$$;

create function public.stats_overview(p_site text, p_from timestamptz, p_to timestamptz,
                                      p_filters jsonb default '{}')
returns json
language plpgsql stable security invoker set search_path = '' set jit = off
  set plan_cache_mode = force_custom_plan as $$
declare
  v_tz text;
  v_result json;
begin
  perform private.check_range(p_from, p_to);
  perform private.check_filters(p_filters);
  v_tz := private.site_timezone(p_site);
  select json_build_object(
    'visitors', c.visitors, 'visits', c.visits, 'pageviews', c.pageviews,
    'bounce_rate', coalesce(c.bounces::float8 / nullif(c.visits, 0), 0),
    'engaged_ms', c.engaged_ms,
    'avg_engaged_ms', coalesce(round(c.engaged_ms::numeric / nullif(c.visits, 0)), 0)::bigint,
    'previous', json_build_object(
      'visitors', p.visitors, 'visits', p.visits, 'pageviews', p.pageviews,
      'bounce_rate', coalesce(p.bounces::float8 / nullif(p.visits, 0), 0),
      'engaged_ms', p.engaged_ms,
      'avg_engaged_ms', coalesce(round(p.engaged_ms::numeric / nullif(p.visits, 0)), 0)::bigint))
  into v_result
  from private.range_totals(p_site, v_tz, p_from, p_to, p_filters) c,
       private.range_totals(p_site, v_tz, private.previous_from(p_from, p_to, v_tz), p_from,
                            p_filters) p;
  return v_result;
end
$$;

create function public.stats_breakdown(p_site text, p_dimension text, p_from timestamptz,
                                       p_to timestamptz, p_filters jsonb default '{}',
                                       p_limit integer default 10)
returns table (value text, visitors bigint, visits bigint, pageviews bigint,
               bounce_rate double precision, engaged_ms bigint)
language plpgsql stable security invoker set search_path = '' set jit = off
  set plan_cache_mode = force_custom_plan
  -- A page breakdown of a month of a large site sorts ~70,000 (page, visitor) rows: in memory.
  set work_mem = '32MB'
  -- count(distinct visitor) per value: sort by value, then each value's visitors on their own
  -- (a quarter less time than one sort by (value, visitor) over every row at 10 M events).
  set enable_presorted_aggregate = off as $$
declare
  v_tz text;
  v_rest jsonb;
  v_rollup text;
  v_value text;
  v_from date;
  v_unknown integer := 0;
  v_few integer := 0;
begin
  if p_dimension is null or p_dimension <> all (private.dimensions()) then
    raise exception 'unknown dimension "%"', p_dimension using errcode = '22023',
      hint = 'one of ' || array_to_string(private.dimensions(), ', ');
  end if;
  if p_limit is null or p_limit < 1 or p_limit > 1000 then
    raise exception 'p_limit must be between 1 and 1000' using errcode = '22023';
  end if;
  perform private.check_range(p_from, p_to);
  perform private.check_filters(p_filters);
  v_tz := private.site_timezone(p_site);

  -- Whole days with no other filter than the dimension's own (which keeps only its value, on
  -- every path): its daily rollups; pages of one country's sessions: the page@country rollups.
  v_rest := p_filters - p_dimension;
  v_rollup := case
    when v_rest = '{}' then p_dimension
    when p_dimension = 'page' and v_rest ? 'country' and v_rest - 'country' = '{}'
      then 'page@' || (v_rest ->> 'country')
  end;
  if v_rollup is not null
     and private.is_local_midnight(p_from, v_tz) and private.is_local_midnight(p_to, v_tz) then
    v_value := p_filters ->> p_dimension;
    v_from := (p_from at time zone v_tz)::date;
    return query
      select d.value,
        sum(d.new_visitors + coalesce(d.returning_by_gap[d.day - v_from + 1], 0))::bigint,
        sum(d.visits)::bigint, sum(d.pageviews)::bigint,
        case when p_dimension = 'event' then null
             else sum(d.bounces)::float8 / sum(d.visits) end,
        sum(d.engaged_ms)::bigint
      from public.daily_rollups d
      where d.site_id = p_site and d.dimension = v_rollup
        and d.day >= v_from and d.day < (p_to at time zone v_tz)::date
        and (v_value is null or d.value = v_value)
      group by d.value
      having sum(d.visits) > 0
      order by 2 desc, 3 desc, 1
      limit p_limit;
  elsif p_dimension = 'page' then
    -- The matching sessions' page rows. With a `country` filter, those that carry the
    -- session's country (copied by ingest_batch when it wrote them, 0007_read_paths.sql) come
    -- from one index-only range scan of session_pages_country, joined to the sessions by hash.
    -- The others (country null: written before their session was stored) are none or few where
    -- ingest_batch copies the country: then the site's are read at once from
    -- session_pages_unknown_country; if there are many (more than v_few, 10,000 unless the
    -- setting sightline.few_unknown_country says otherwise: the tests lower it), they are looked
    -- up per session, as every session's rows are without a `country` filter.
    if p_filters ? 'country' then
      v_few := coalesce(nullif(current_setting('sightline.few_unknown_country', true), '')::integer,
                        10000);
      select count(*) into v_unknown
      from (select 1 from public.session_pages sp
            where sp.site_id = p_site and sp.country is null limit v_few + 1) x;
    end if;
    return query
      with pages as (
        select f.visitor_id, f.bounce, sp.path, sp.pageviews, sp.engaged_ms
        from private.filtered_sessions(p_site, p_from, p_to, p_filters) f
        join public.session_pages sp on sp.session_id = f.session_id
        where p_filters ? 'country' and sp.site_id = p_site
          and sp.country = p_filters ->> 'country' and sp.hour >= p_from and sp.hour < p_to
          and (not p_filters ? 'page' or sp.path = p_filters ->> 'page')
        union all
        select f.visitor_id, f.bounce, sp.path, sp.pageviews, sp.engaged_ms
        from private.filtered_sessions(p_site, p_from, p_to, p_filters) f
        join public.session_pages sp on sp.session_id = f.session_id
        where v_unknown between 1 and v_few and sp.site_id = p_site and sp.country is null
          and (not p_filters ? 'page' or sp.path = p_filters ->> 'page')
        union all
        select f.visitor_id, f.bounce, sp.path, sp.pageviews, sp.engaged_ms
        from private.filtered_sessions(p_site, p_from, p_to, p_filters) f
        -- One lookup per session (see filtered_sessions).
        cross join lateral (
          select sp.path, sp.pageviews, sp.engaged_ms from public.session_pages sp
          where sp.site_id = p_site and sp.session_id = f.session_id
            and (not p_filters ? 'country' or sp.country is null)
            and (not p_filters ? 'page' or sp.path = p_filters ->> 'page')
          offset 0
        ) sp
        where not p_filters ? 'country' or v_unknown > v_few
      )
      select p.path, count(distinct p.visitor_id), count(*), sum(p.pageviews)::bigint,
        avg(p.bounce)::float8, sum(p.engaged_ms)::bigint
      from pages p
      group by 1 order by 2 desc, 3 desc, 1 limit p_limit;
  elsif p_dimension = 'event' then
    return query
      select se.name, count(distinct f.visitor_id), count(*), sum(se.events)::bigint,
        null::float8, 0::bigint
      from private.filtered_sessions(p_site, p_from, p_to, p_filters) f
      cross join lateral (
        select se.name, se.events from public.session_events se
        where se.site_id = p_site and se.session_id = f.session_id
          and (not p_filters ? 'event' or se.name = p_filters ->> 'event')
        offset 0
      ) se
      group by 1 order by 2 desc, 3 desc, 1 limit p_limit;
  else
    return query
      select f.value, count(distinct f.visitor_id), count(*), sum(f.pageviews)::bigint,
        avg(f.bounce)::float8, sum(f.engaged_ms)::bigint
      from private.filtered_sessions(p_site, p_from, p_to, p_filters, p_dimension) f
      group by 1 order by 2 desc, 3 desc, 1 limit p_limit;
  end if;
end
$$;

create function public.stats_timeseries(p_site text, p_from timestamptz, p_to timestamptz,
                                        p_resolution text default 'hour',
                                        p_filters jsonb default '{}')
returns table (bucket timestamptz, visitors bigint, visits bigint, pageviews bigint,
               engaged_ms bigint)
language plpgsql stable security invoker set search_path = '' set jit = off
  set plan_cache_mode = force_custom_plan
  -- count(distinct visitor) per bucket: see stats_breakdown.
  set enable_presorted_aggregate = off as $$
declare
  v_tz text;
  v_rollup text[];
  v_step interval;
begin
  if p_resolution is null or p_resolution not in ('hour', 'day') then
    raise exception 'p_resolution must be hour or day' using errcode = '22023';
  end if;
  perform private.check_range(p_from, p_to);
  perform private.check_filters(p_filters);
  v_tz := private.site_timezone(p_site);
  v_step := ('1 ' || p_resolution)::interval;
  v_rollup := private.daily_rollup_of(p_filters);
  -- One bucket per local hour/day overlapping the range, empty ones included.
  if p_resolution = 'day' and v_rollup is not null
     and private.is_local_midnight(p_from, v_tz) and private.is_local_midnight(p_to, v_tz) then
    return query
      with b as (
        select g as bucket
        from generate_series(p_from, p_to - interval '1 microsecond', v_step, v_tz) g
      ),
      -- A day's visitors: the new ones plus every returning one (any gap >= 1).
      r as (
        select (d.day::timestamp at time zone v_tz) as bucket,
          sum(d.new_visitors + coalesce(d.returning_by_gap[1], 0))::bigint as visitors,
          sum(d.visits)::bigint as visits, sum(d.pageviews)::bigint as pageviews,
          sum(d.engaged_ms)::bigint as engaged_ms
        from public.daily_rollups d
        where d.site_id = p_site and d.dimension = v_rollup[1] and d.value = v_rollup[2]
          and d.day >= (p_from at time zone v_tz)::date and d.day < (p_to at time zone v_tz)::date
        group by 1
      )
      select b.bucket, coalesce(r.visitors, 0), coalesce(r.visits, 0), coalesce(r.pageviews, 0),
        coalesce(r.engaged_ms, 0)
      from b left join r on r.bucket = b.bucket
      order by 1;
  elsif p_filters = '{}' then
    -- No filter: the site-total hourly rollups, and per bucket the distinct visitors of its
    -- sessions from the index on (site_id, hour) that carries visitor_id.
    return query
      with b as (
        select g as bucket
        from generate_series(date_trunc(p_resolution, p_from, v_tz),
                             p_to - interval '1 microsecond', v_step, v_tz) g
      ),
      r as (
        select date_trunc(p_resolution, r.hour, v_tz) as bucket, sum(r.visits)::bigint as visits,
          sum(r.pageviews)::bigint as pageviews, sum(r.engaged_ms)::bigint as engaged_ms
        from public.rollups r
        where r.site_id = p_site and r.dimension = '' and r.value = ''
          and r.hour >= p_from and r.hour < p_to
        group by 1
      ),
      u as (
        -- A session's hour is already its local hour bucket (date_trunc('hour', ..., v_tz) of
        -- it is itself): no time zone conversion per session for hourly buckets.
        select case when p_resolution = 'hour' then s.hour
                    else date_trunc(p_resolution, s.hour, v_tz) end as bucket,
          count(distinct s.visitor_id) as visitors
        from public.sessions s
        where s.site_id = p_site and s.hour >= p_from and s.hour < p_to
        group by 1
      )
      select b.bucket, coalesce(u.visitors, 0), coalesce(r.visits, 0), coalesce(r.pageviews, 0),
        coalesce(r.engaged_ms, 0)
      from b left join r on r.bucket = b.bucket left join u on u.bucket = b.bucket
      order by 1;
  else
    return query
      with b as (
        select g as bucket
        from generate_series(date_trunc(p_resolution, p_from, v_tz),
                             p_to - interval '1 microsecond', v_step, v_tz) g
      ),
      t as (
        select case when p_resolution = 'hour' then f.hour
                    else date_trunc(p_resolution, f.hour, v_tz) end as bucket,
          count(distinct f.visitor_id) as visitors, count(*) as visits,
          sum(f.pageviews)::bigint as pageviews, sum(f.engaged_ms)::bigint as engaged_ms
        from private.filtered_sessions(p_site, p_from, p_to, p_filters) f
        group by 1
      )
      select b.bucket, coalesce(t.visitors, 0), coalesce(t.visits, 0), coalesce(t.pageviews, 0),
        coalesce(t.engaged_ms, 0)
      from b left join t on t.bucket = b.bucket
      order by 1;
  end if;
end
$$;

-- Visitors seen within the window, most recent first (at most 1,000: a map's worth).
create function public.live_visitors(p_site text, p_window_seconds integer default 300)
returns table (visitor_id text, latitude double precision, longitude double precision,
               country text, region text, city text, path text, device text, browser text,
               os text, value_score integer, engaged_ms bigint, pageviews bigint,
               last_seen timestamptz)
language sql stable security invoker set search_path = '' set jit = off as $$
  select v.visitor_id, v.latitude, v.longitude, v.country, v.region, v.city, v.last_path,
    v.device, v.browser, v.os, v.value_score, v.engaged_ms, v.pageviews, v.last_seen
  from public.visitors v
  where v.site_id = p_site
    and v.last_seen > now() - make_interval(secs => least(greatest(p_window_seconds, 1), 86400))
  order by v.last_seen desc
  limit 1000
$$;

