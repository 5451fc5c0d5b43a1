-- stats_page_engagement: per page of a range, how far visits scrolled and its web vitals.
-- * scroll: the deepest point each visit of the page reached (percent), averaged over the visits
--   that measured it (the tracker's core build measures none: those visits count in `visits`,
--   not in `scroll_visits`); without filters from the hourly rollups and page_scroll (a few
--   rows per page and hour), with filters from the matching sessions' page rows;
-- * vitals: `loads` page loads reported some; the 75th percentile of each metric over the
--   loads that reported it (continuous percentile: the web-vitals convention's p75; ms, CLS
--   unitless).
-- p_paths: these pages; null: the p_limit pages with the most visitors (stats_breakdown).
create or replace function public.stats_page_engagement(p_site text, p_from timestamptz,
                                                        p_to timestamptz,
                                                        p_filters jsonb default '{}',
                                                        p_paths text[] default null,
                                                        p_limit integer default 10)
returns table (path text, visits bigint, scroll_visits bigint, scroll_avg double precision,
               loads bigint, lcp_p75 double precision, inp_p75 double precision,
               cls_p75 double precision, ttfb_p75 double precision, fcp_p75 double precision)
language plpgsql stable security definer set search_path = '' set jit = off
  set plan_cache_mode = force_custom_plan as $$
declare
  v_paths text[] := p_paths;
begin
  if p_limit is null or p_limit < 1 or p_limit > 1000 then
    raise exception 'p_limit must be between 1 and 1000' using errcode = '22023';
  end if;
  perform private.check_range(p_from, p_to);
  perform private.check_filters(p_filters);
  perform private.authorize_card(p_site, 'pages', p_filters);
  if v_paths is null then
    v_paths := array(select b.value from public.stats_breakdown(p_site, 'page', p_from, p_to,
                                                                p_filters, p_limit) b);
  end if;
  return query
    with pages as (
      -- With filters: the matching sessions' rows of these pages.
      select sp.path, sp.max_scroll
      from public.session_pages sp
      where p_filters <> '{}' and sp.site_id = p_site and sp.path = any (v_paths)
        and sp.country is not null and sp.hour >= p_from and sp.hour < p_to
        and exists (
          select 1 from private.filtered_sessions(p_site, p_from, p_to, p_filters) f
          where f.session_id = sp.session_id)
      union all
      select sp.path, sp.max_scroll
      from public.session_pages sp
      join public.sessions s on s.site_id = sp.site_id and s.session_id = sp.session_id
      where p_filters <> '{}' and sp.site_id = p_site and sp.country is null
        and sp.path = any (v_paths) and s.hour >= p_from and s.hour < p_to
        and exists (
          select 1 from private.filtered_sessions(p_site, p_from, p_to, p_filters) f
          where f.session_id = sp.session_id)
    ),
    scroll_by_page as (
      select p.path, count(*) as visits, count(p.max_scroll) as scroll_visits,
        avg(p.max_scroll)::float8 as scroll_avg
      from pages p group by 1
      union all
      -- Without filters: the pages' hourly visits and scroll sums (any range of whole hours).
      select v.path, v.visits, coalesce(d.visits, 0), d.scroll_sum::float8 / nullif(d.visits, 0)
      from (
        select r.value as path, sum(r.visits)::bigint as visits from public.rollups r
        where p_filters = '{}' and r.site_id = p_site and r.dimension = 'page'
          and r.value = any (v_paths) and r.hour >= p_from and r.hour < p_to
        group by 1
      ) v
      left join (
        select ps.path, sum(ps.visits)::bigint as visits, sum(ps.scroll_sum) as scroll_sum
        from public.page_scroll ps
        where p_filters = '{}' and ps.site_id = p_site and ps.path = any (v_paths)
          and ps.hour >= p_from and ps.hour < p_to
        group by 1
      ) d on d.path = v.path
    ),
    page_loads as (
      select el.name as path, el.lcp, el.inp, el.cls, el.ttfb, el.fcp
      from public.event_log el
      where el.site_id = p_site and el.type = 'vitals' and el.name = any (v_paths)
        and el.hour >= p_from and el.hour < p_to
        and (p_filters = '{}' or exists (
          select 1 from private.filtered_sessions(p_site, p_from, p_to, p_filters) f
          where f.session_id = el.session_id))
      union all
      select el.name, el.lcp, el.inp, el.cls, el.ttfb, el.fcp
      from public.event_log el
      join public.sessions s on s.site_id = el.site_id and s.session_id = el.session_id
      where el.site_id = p_site and el.hour is null and el.type = 'vitals'
        and el.name = any (v_paths) and s.hour >= p_from and s.hour < p_to
        and (p_filters = '{}' or exists (
          select 1 from private.filtered_sessions(p_site, p_from, p_to, p_filters) f
          where f.session_id = el.session_id))
    ),
    page_vitals as (
      select l.path, count(*) as n_loads,
        percentile_cont(0.75) within group (order by l.lcp) as lcp,
        percentile_cont(0.75) within group (order by l.inp) as inp,
        percentile_cont(0.75) within group (order by l.cls) as cls,
        percentile_cont(0.75) within group (order by l.ttfb) as ttfb,
        percentile_cont(0.75) within group (order by l.fcp) as fcp
      from page_loads l group by 1
    )
    select u.path, coalesce(s.visits, 0), coalesce(s.scroll_visits, 0), s.scroll_avg,
      coalesce(v.n_loads, 0), v.lcp, v.inp, v.cls, v.ttfb, v.fcp
    from unnest(v_paths) with ordinality u(path, n)
    left join scroll_by_page s on s.path = u.path
    left join page_vitals v on v.path = u.path
    order by u.n;
end
$$;
