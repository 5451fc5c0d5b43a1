-- stats_breakdown: the values of one dimension in a range, by visitors (the paths and
-- definitions: 30_report_helpers.sql).
create or replace function public.stats_breakdown(p_site text, p_dimension text, p_from timestamptz,
                                                  p_to timestamptz, p_filters jsonb default '{}',
                                                  p_limit integer default 10)
returns table (value text, visitors bigint, visits bigint, pageviews bigint,
               bounce_rate double precision, engaged_ms bigint)
language plpgsql stable security definer set search_path = '' set jit = off
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
  v_tz := private.authorize_report(p_site, p_filters, p_dimension);

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
    -- Imported days (36_imported_rollups.sql) add their rows (visitors summed over days).
    return query
      select x.value, sum(x.visitors)::bigint, sum(x.visits)::bigint, sum(x.pageviews)::bigint,
        case when p_dimension = 'event' then null
             else sum(x.bounces)::float8 / sum(x.visits) end,
        sum(x.engaged_ms)::bigint
      from (
        select d.value, d.new_visitors + coalesce(d.returning_by_gap[d.day - v_from + 1], 0)
            as visitors, d.visits, d.pageviews, d.bounces, d.engaged_ms
        from public.daily_rollups d
        where d.site_id = p_site and d.dimension = v_rollup
          and d.day >= v_from and d.day < (p_to at time zone v_tz)::date
          and (v_value is null or d.value = v_value)
        union all
        select m.value, m.visitors, m.visits, m.pageviews, m.bounces, m.engaged_ms
        from private.imported_daily(p_site, v_rollup, v_value, v_from,
                                    (p_to at time zone v_tz)::date) m
      ) x
      group by x.value
      having sum(x.visits) > 0
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
