-- Imported history as the reports read it (tables: 0014_imports.sql; written by
-- 21_imports.sql). The report RPCs add these rows on their daily-rollup path only: imported
-- figures are whole local days of one dimension, with no sessions or hours behind them.
--
-- The overlap rule: imported days count only before the site's first day of its own data (its
-- first site-total daily rollup), as Plausible does. A day Sightline itself recorded is never
-- mixed with an imported one: the site's own figures win from its first day on, even where an
-- export holds more of that day (traffic before the tracker was installed that day).

-- The first local day with the site's own data, or null (one index lookup: daily_rollups_value).
create or replace function private.native_first_day(p_site text) returns date
language sql stable parallel safe as $$
  select min(d.day) from public.daily_rollups d
  where d.site_id = p_site and d.dimension = '' and d.value = ''
$$;

-- The committed imports' figures of one rollup (a dimension, '' for the site total; one value
-- or all) for the local days [p_from, p_to) that count, mapped to Sightline's measures:
-- engaged time is the export's engaged time, else its visit duration (Plausible's totals and
-- sources have no engaged time); for custom events, page views are the times the event fired
-- and visits, when the export has none, its visitors. Visitors are that day's unique visitors.
create or replace function private.imported_daily(p_site text, p_dimension text, p_value text,
                                                  p_from date, p_to date)
returns table (value text, day date, visitors bigint, visits bigint, pageviews bigint,
               bounces bigint, engaged_ms bigint)
language sql stable parallel safe as $$
  select r.value, r.day, coalesce(r.visitors, 0),
    case when p_dimension = 'event' then coalesce(r.visits, r.visitors, 0)
         else coalesce(r.visits, 0) end,
    case when p_dimension = 'event' then coalesce(r.events, r.pageviews, 0)
         else coalesce(r.pageviews, 0) end,
    case when p_dimension = 'event' then 0 else coalesce(r.bounces, 0) end,
    case when p_dimension = 'event' then 0
         else coalesce(r.engaged_ms, r.visit_duration_ms, 0) end
  from public.imported_rollups r
  join public.imports i on i.id = r.import_id and i.status = 'complete'
  where r.site_id = p_site and r.dimension = p_dimension
    and (p_value is null or r.value = p_value)
    and r.day >= p_from
    and r.day < least(p_to, coalesce(private.native_first_day(p_site), 'infinity'::date))
$$;

-- Whether a report over [p_from, p_to) with p_filters includes imported days, for the note a
-- report shows: { included, days, first_day, last_day, not_in }. `days` are the imported days
-- in the range that count (before the site's own data); `included` is false when there are
-- such days but the report cannot use them (a range that is not whole local days, or filters
-- the daily rollups cannot answer). `not_in` names the reports that never include them.
create or replace function private.import_coverage(p_site text, p_tz text, p_from timestamptz,
                                                   p_to timestamptz, p_filters jsonb)
returns json
language sql stable as $$
  with d as (
    select count(*)::integer as days, min(m.day) as first_day, max(m.day) as last_day
    from private.imported_daily(p_site, '', '', (p_from at time zone p_tz)::date,
                                ((p_to - interval '1 microsecond') at time zone p_tz)::date + 1) m
  )
  select json_build_object(
    'included', d.days > 0 and private.daily_rollup_of(p_filters) is not null
      and private.is_local_midnight(p_from, p_tz) and private.is_local_midnight(p_to, p_tz),
    'days', d.days, 'first_day', d.first_day, 'last_day', d.last_day,
    'not_in', json_build_array('hourly', 'live', 'funnels', 'goals', 'filters_across_dimensions',
                               'event_filters'))
  from d
$$;

-- The note a report shows about imported days: whether a report over [p_from, p_to) with
-- p_filters includes them (private.import_coverage), for every reader of the site's reports.
-- A function of its own, so that the report RPCs keep their result shapes.
create or replace function public.stats_imported(p_site text, p_from timestamptz, p_to timestamptz,
                                                 p_filters jsonb default '{}')
returns json
language plpgsql stable security definer set search_path = '' set jit = off as $$
declare
  v_tz text;
begin
  perform private.check_range(p_from, p_to);
  perform private.check_filters(p_filters);
  v_tz := private.authorize_report(p_site, p_filters);
  return private.import_coverage(p_site, v_tz, p_from, p_to, p_filters);
end
$$;
