-- stats_timeseries: one row per local hour or day of a range, empty ones included (the paths
-- and definitions: 30_report_helpers.sql).
create or replace function public.stats_timeseries(p_site text, p_from timestamptz, p_to timestamptz,
                                                   p_resolution text default 'hour',
                                                   p_filters jsonb default '{}')
returns table (bucket timestamptz, visitors bigint, visits bigint, pageviews bigint,
               engaged_ms bigint)
language plpgsql stable security definer set search_path = '' set jit = off
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
  v_tz := private.authorize_report(p_site, p_filters);
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
      -- Imported days (36_imported_rollups.sql) add their daily figures.
      r as (
        select (x.day::timestamp at time zone v_tz) as bucket,
          sum(x.visitors)::bigint as visitors,
          sum(x.visits)::bigint as visits, sum(x.pageviews)::bigint as pageviews,
          sum(x.engaged_ms)::bigint as engaged_ms
        from (
          select d.day, d.new_visitors + coalesce(d.returning_by_gap[1], 0) as visitors,
            d.visits, d.pageviews, d.engaged_ms
          from public.daily_rollups d
          where d.site_id = p_site and d.dimension = v_rollup[1] and d.value = v_rollup[2]
            and d.day >= (p_from at time zone v_tz)::date
            and d.day < (p_to at time zone v_tz)::date
          union all
          select m.day, m.visitors, m.visits, m.pageviews, m.engaged_ms
          from private.imported_daily(p_site, v_rollup[1], v_rollup[2],
                                      (p_from at time zone v_tz)::date,
                                      (p_to at time zone v_tz)::date) m
        ) x
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
