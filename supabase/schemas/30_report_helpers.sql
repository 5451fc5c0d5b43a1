-- Reading RPCs for the dashboard and API. All are SECURITY DEFINER and call
-- private.authorize_report (03_access.sql) first: members and service tokens read their sites,
-- a share link's pass its site minus the reports it hides, anyone a public dashboard's site.
-- Share and public viewers read no table directly (no policy admits them): reports only.
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

-- 22023 (invalid_parameter_value) is answered by PostgREST with HTTP 400.
create or replace function private.check_filters(p_filters jsonb) returns void
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

create or replace function private.check_range(p_from timestamptz, p_to timestamptz) returns void
language plpgsql immutable as $$
begin
  if p_from is null or p_to is null or p_to <= p_from then
    raise exception 'p_to must be after p_from' using errcode = '22023';
  end if;
end
$$;

-- The site's time zone when the caller may read the site (03_access.sql: authorize_report,
-- which the report RPCs call with their filters and dimension instead).
create or replace function private.site_timezone(p_site text) returns text
language sql stable as $$
  select private.authorize_report(p_site)
$$;

create or replace function private.is_local_midnight(p_at timestamptz, p_tz text) returns boolean
language sql immutable parallel safe as $$
  select p_at = date_trunc('day', p_at, p_tz)
$$;

-- Start of the equal-length period before [p_from, p_to). For whole local days it is counted in
-- local days, so that a range across a DST change still compares whole days with whole days.
create or replace function private.previous_from(p_from timestamptz, p_to timestamptz, p_tz text)
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
