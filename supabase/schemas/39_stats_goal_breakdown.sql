-- stats_goal_breakdown: one goal's conversions per value of a dimension, for the conversion
-- columns of a breakdown (the dashboard divides each row's converting visitors by the visitors
-- stats_breakdown gives it). A row's converting visitors are those with a session that has the
-- value (for pages: viewed the page; for events: sent it) and completed the goal; its
-- conversions and revenue are those of such sessions. As in stats_breakdown, a breakdown
-- filtered by its own dimension lists only that value. p_values: only these values (the rows
-- the breakdown shows); null: the values with the most converting visitors.
create or replace function public.stats_goal_breakdown(p_site text, p_goal bigint,
                                                       p_dimension text, p_from timestamptz,
                                                       p_to timestamptz,
                                                       p_filters jsonb default '{}',
                                                       p_limit integer default 10,
                                                       p_values text[] default null)
returns table (value text, visitors bigint, conversions bigint, revenue jsonb)
language plpgsql stable security definer set search_path = '' set jit = off
  set plan_cache_mode = force_custom_plan as $$
declare
  v_tz text;
  v_goal public.goals;
  v_paths text[];
  v_key text[];
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
  v_tz := private.authorize_card(p_site, 'conversions', p_filters);
  v_goal := private.site_goal(p_site, p_goal);
  -- Whole days, unfiltered or filtered by the dimension itself only (which keeps only its
  -- value): the goal's daily rollups of that dimension (session dimensions, pages and events).
  if p_filters - p_dimension = '{}' then
    v_key := private.goal_rollup_key(v_goal, v_tz, p_from, p_to, '{}');
  end if;
  if v_key is not null then
    return query
      select r.value, r.visitors, r.conversions, r.revenue
      from private.goal_rollup_range(v_goal, v_tz, p_dimension, p_filters ->> p_dimension,
                                     p_from, p_to) r
      where r.visitors > 0 and (p_values is null or r.value = any (p_values))
      order by 2 desc, 3 desc, 1
      limit p_limit;
    return;
  end if;
  -- The goal's pages once (as in stats_goals).
  v_paths := case when v_goal.page_path is not null
    then private.matching_paths(p_site, v_tz, v_goal.page_path, p_from, p_to) end;
  return query
    with hits as (
      -- Per converting session: its conversions and revenue per currency.
      select h.session_id, min(h.visitor_id) as visitor_id, sum(h.conversions) as conversions,
        array_agg(h.currency) as currencies, array_agg(h.revenue) as amounts
      from private.goal_hits(p_site, v_goal, v_paths, p_from, p_to) h
      group by h.session_id
    ),
    -- The converting sessions that match the filters, with their value of p_dimension. A page
    -- or event breakdown without filters needs nothing else of the session (goal_hits keeps the
    -- sessions of the range already): reading every session of the range to join the few
    -- converting ones was most of its time.
    hit_sessions as (
      select h.session_id, h.visitor_id, h.conversions, h.currencies, h.amounts, f.value
      from hits h
      join private.filtered_sessions(p_site, p_from, p_to, p_filters, p_dimension) f
        on f.session_id = h.session_id
      where p_filters <> '{}' or p_dimension not in ('page', 'event')
      union all
      select h.session_id, h.visitor_id, h.conversions, h.currencies, h.amounts, ''
      from hits h
      where p_filters = '{}' and p_dimension in ('page', 'event')
    ),
    hit_rows as (
      select v.value, h.visitor_id, h.conversions, h.currencies, h.amounts
      from hit_sessions h
      cross join lateral (
        select h.value where p_dimension not in ('page', 'event')
        union all
        select sp.path from public.session_pages sp
        where p_dimension = 'page' and p_values is null and sp.site_id = p_site
          and sp.session_id = h.session_id
          and (not p_filters ? 'page' or sp.path = p_filters ->> 'page')
        union all
        select se.name from public.session_events se
        where p_dimension = 'event' and se.site_id = p_site and se.session_id = h.session_id
          and (not p_filters ? 'event' or se.name = p_filters ->> 'event')
      ) v
      where p_values is null or v.value = any (p_values)
      union all
      -- The pages asked for (the rows a breakdown shows): their page rows in range (an
      -- index-only read by path) joined to the converting sessions, instead of one lookup of
      -- page rows per converting session.
      select p.path, h.visitor_id, h.conversions, h.currencies, h.amounts
      from hit_sessions h
      join private.page_hits(p_site, p_values, p_from, p_to) p on p.session_id = h.session_id
      where p_dimension = 'page' and p_values is not null
        and (not p_filters ? 'page' or p.path = p_filters ->> 'page')
    ),
    rev as (
      select r.value, private.revenue_json(array_agg(c.currency), array_agg(c.amount)) as revenue
      from hit_rows r
      cross join lateral unnest(r.currencies, r.amounts) c(currency, amount)
      where c.currency is not null
      group by r.value
    )
    select t.value, t.visitors, t.conversions, coalesce(v.revenue, '{}')
    from (
      select r.value, count(distinct r.visitor_id) as visitors,
        sum(r.conversions)::bigint as conversions
      from hit_rows r
      group by r.value
      order by 2 desc, 3 desc, 1
      limit p_limit
    ) t
    left join rev v on v.value = t.value
    order by 2 desc, 3 desc, 1;
end
$$;
