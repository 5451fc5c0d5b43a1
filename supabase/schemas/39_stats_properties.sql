-- stats_properties: the properties of one custom event (or of the events that complete one
-- event goal) in a range, by key and value: for each key its values with the most visitors.
-- A value is shown as text: strings as they are, numbers and booleans as JSON writes them,
-- null as ''. visitors: distinct visitors with such an event (in a session of the range that
-- matches the filters); events: how many; revenue: theirs, per currency. Whole local days
-- without filters, of an event or of an event goal without a property condition, are read from
-- the property rollups (38_property_rollups.sql) once the site's are built; the rest from the
-- raw rows.
create or replace function public.stats_properties(p_site text, p_from timestamptz,
                                                   p_to timestamptz,
                                                   p_event text default null,
                                                   p_goal bigint default null,
                                                   p_filters jsonb default '{}',
                                                   p_limit integer default 10)
returns table (key text, value text, visitors bigint, events bigint, revenue jsonb)
language plpgsql stable security definer set search_path = '' set jit = off
  set plan_cache_mode = force_custom_plan as $$
declare
  v_goal public.goals;
  v_name text := p_event;
  v_tz text;
begin
  if (p_event is null) = (p_goal is null) then
    raise exception 'give either p_event or p_goal' using errcode = '22023';
  end if;
  if p_limit is null or p_limit < 1 or p_limit > 1000 then
    raise exception 'p_limit must be between 1 and 1000' using errcode = '22023';
  end if;
  perform private.check_range(p_from, p_to);
  perform private.check_filters(p_filters);
  perform private.authorize_card(p_site, 'conversions', p_filters);
  if p_goal is not null then
    v_goal := private.site_goal(p_site, p_goal);
    if v_goal.event_name is null then
      raise exception 'goal % is a page goal: it has no properties', p_goal
        using errcode = '22023';
    end if;
    v_name := v_goal.event_name;
  end if;
  select st.timezone into v_tz from public.sites st where st.id = p_site;
  if p_filters = '{}' and v_goal.prop_key is null
     and private.is_local_midnight(p_from, v_tz) and private.is_local_midnight(p_to, v_tz)
     and exists (select 1 from public.property_rollup_builds b where b.site_id = p_site) then
    return query
      select r.key, r.value, r.visitors, r.events, r.revenue
      from (
        select x.*, row_number() over (partition by x.key
                                       order by x.visitors desc, x.events desc, x.value) as n
        from private.property_rollup_range(p_site, v_tz, v_name, p_from, p_to) x
      ) r
      where r.n <= p_limit
      order by r.key, r.n;
    return;
  end if;
  return query
    with hits as (
      select h.visitor_id, h.event_id, h.props, h.revenue, h.currency
      from private.event_hits(p_site, 'custom', v_name, v_goal.prop_key, v_goal.prop_value,
                              p_from, p_to) h
      where h.props is not null and (p_filters = '{}' or exists (
        select 1 from private.filtered_sessions(p_site, p_from, p_to, p_filters) f
        where f.session_id = h.session_id))
    ),
    pairs as (
      select p.key, case jsonb_typeof(p.value) when 'string' then p.value #>> '{}'
          when 'null' then '' else p.value::text end as value,
        h.visitor_id, h.revenue, h.currency
      from hits h
      cross join lateral jsonb_each(h.props) p
    ),
    ranked as (
      select p.key, p.value, count(distinct p.visitor_id) as visitors, count(*) as events,
        row_number() over (partition by p.key
                           order by count(distinct p.visitor_id) desc, count(*) desc, p.value)
          as n
      from pairs p
      group by p.key, p.value
    ),
    pair_revenue as (
      select p.key, p.value, p.currency, sum(p.revenue) as amount
      from pairs p where p.currency is not null
      group by 1, 2, 3
    )
    select r.key, r.value, r.visitors, r.events,
      coalesce((select jsonb_object_agg(x.currency, x.amount order by x.currency)
                from pair_revenue x where x.key = r.key and x.value = r.value), '{}')
    from ranked r
    where r.n <= p_limit
    order by r.key, r.n;
end
$$;
