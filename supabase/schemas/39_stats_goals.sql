-- stats_goals: every goal of a site in a range, with its conversions, converting visitors,
-- conversion rate (converting visitors / visitors, both of the range and the filters) and
-- revenue per currency (definitions: 38_conversion_helpers.sql, docs/conversions.md).
create or replace function public.stats_goals(p_site text, p_from timestamptz, p_to timestamptz,
                                              p_filters jsonb default '{}')
returns table (goal_id bigint, name text, event_name text, page_path text, prop_key text,
               prop_value text, visitors bigint, conversions bigint,
               conversion_rate double precision, revenue jsonb)
language plpgsql stable security definer set search_path = '' set jit = off
  set plan_cache_mode = force_custom_plan as $$
declare
  v_tz text;
  v_visitors bigint;
  v_goal public.goals;
  v_paths text[];
  v_key text[];
begin
  perform private.check_range(p_from, p_to);
  perform private.check_filters(p_filters);
  v_tz := private.authorize_card(p_site, 'conversions', p_filters);
  select t.visitors into v_visitors
  from private.range_totals(p_site, v_tz, p_from, p_to, p_filters) t;
  for v_goal in select * from public.goals g where g.site_id = p_site order by g.name, g.id loop
    -- Whole days, no filter or one on a session dimension: the goal's daily rollups.
    v_key := private.goal_rollup_key(v_goal, v_tz, p_from, p_to, p_filters);
    if v_key is not null then
      return query
        select v_goal.id, v_goal.name, v_goal.event_name, v_goal.page_path, v_goal.prop_key,
          v_goal.prop_value, coalesce(max(r.visitors), 0)::bigint,
          coalesce(max(r.conversions), 0)::bigint,
          coalesce(max(r.visitors)::float8 / nullif(v_visitors, 0), 0),
          coalesce((array_agg(r.revenue))[1], '{}')
        from private.goal_rollup_range(v_goal, v_tz, v_key[1], v_key[2], p_from, p_to) r;
      continue;
    end if;
    -- The goal's pages once, as a value: passed as an expression, the planner evaluated
    -- matching_paths in each branch of page_hits (a regular-expression scan of the range's
    -- page rollups each time).
    v_paths := case when v_goal.page_path is not null
      then private.matching_paths(p_site, v_tz, v_goal.page_path, p_from, p_to) end;
    return query
      with h as (
        select g.visitor_id, g.conversions, g.revenue, g.currency
        from private.goal_hits(p_site, v_goal, v_paths, p_from, p_to) g
        where p_filters = '{}' or exists (
          select 1 from private.filtered_sessions(p_site, p_from, p_to, p_filters) f
          where f.session_id = g.session_id)
      )
      select v_goal.id, v_goal.name, v_goal.event_name, v_goal.page_path, v_goal.prop_key,
        v_goal.prop_value, count(distinct h.visitor_id),
        coalesce(sum(h.conversions), 0)::bigint,
        coalesce(count(distinct h.visitor_id)::float8 / nullif(v_visitors, 0), 0),
        coalesce((select jsonb_object_agg(x.currency, x.amount order by x.currency)
                  from (select y.currency, sum(y.revenue) as amount from h y
                        where y.currency is not null group by 1) x), '{}')
      from h;
  end loop;
end
$$;
