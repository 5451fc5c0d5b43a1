-- stats_links: outbound links and downloads by target (origin and path: the Worker drops their
-- query strings), and 404 pages by path (the `404` custom event's `path`, else the page it was
-- sent from), in a range: visitors (distinct, in sessions of the range that match the filters)
-- and events.
create or replace function public.stats_links(p_site text, p_kind text, p_from timestamptz,
                                              p_to timestamptz, p_filters jsonb default '{}',
                                              p_limit integer default 10)
returns table (value text, visitors bigint, events bigint)
language plpgsql stable security definer set search_path = '' set jit = off
  set plan_cache_mode = force_custom_plan as $$
begin
  if p_kind is null or p_kind not in ('outbound', 'download', '404') then
    raise exception 'p_kind must be outbound, download or 404' using errcode = '22023';
  end if;
  if p_limit is null or p_limit < 1 or p_limit > 1000 then
    raise exception 'p_limit must be between 1 and 1000' using errcode = '22023';
  end if;
  perform private.check_range(p_from, p_to);
  perform private.check_filters(p_filters);
  perform private.authorize_card(p_site, 'conversions', p_filters);
  return query
    select x.value, count(distinct x.visitor_id), count(*)
    from (
      select case when p_kind = '404'
          then coalesce(nullif(el.props ->> 'path', ''), el.path) else el.name end as value,
        el.visitor_id, el.session_id
      from public.event_log el
      where el.site_id = p_site and el.hour >= p_from and el.hour < p_to
        and el.type = case when p_kind = '404' then 'custom' else p_kind end
        and (p_kind <> '404' or el.name = '404')
      union all
      select case when p_kind = '404'
          then coalesce(nullif(el.props ->> 'path', ''), el.path) else el.name end,
        el.visitor_id, el.session_id
      from public.event_log el
      join public.sessions s on s.site_id = el.site_id and s.session_id = el.session_id
      where el.site_id = p_site and el.hour is null and s.hour >= p_from and s.hour < p_to
        and el.type = case when p_kind = '404' then 'custom' else p_kind end
        and (p_kind <> '404' or el.name = '404')
    ) x
    where p_filters = '{}' or exists (
      select 1 from private.filtered_sessions(p_site, p_from, p_to, p_filters) f
      where f.session_id = x.session_id)
    group by 1
    order by 2 desc, 3 desc, 1
    limit p_limit;
end
$$;
