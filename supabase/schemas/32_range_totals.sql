-- sessions with the event, not their measures), or a country and a page (page@country).
create or replace function private.daily_rollup_of(p_filters jsonb) returns text[]
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
create or replace function private.range_totals(p_site text, p_tz text, p_from timestamptz,
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
    -- Imported days (36_imported_rollups.sql) add their daily figures; their visitors can only
    -- be summed over days (an upper bound, as in Plausible).
    return query
      select
        coalesce(sum(x.visitors), 0)::bigint,
        coalesce(sum(x.visits), 0)::bigint, coalesce(sum(x.pageviews), 0)::bigint,
        coalesce(sum(x.bounces), 0)::bigint, coalesce(sum(x.engaged_ms), 0)::bigint
      from (
        select d.new_visitors + coalesce(d.returning_by_gap[d.day - v_from + 1], 0) as visitors,
          d.visits, d.pageviews, d.bounces, d.engaged_ms
        from public.daily_rollups d
        where d.site_id = p_site and d.dimension = v_rollup[1] and d.value = v_rollup[2]
          and d.day >= v_from and d.day < v_to
        union all
        select m.visitors, m.visits, m.pageviews, m.bounces, m.engaged_ms
        from private.imported_daily(p_site, v_rollup[1], v_rollup[2], v_from, v_to) m
      ) x;
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
