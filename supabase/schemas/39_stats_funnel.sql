-- stats_funnel: how far the sessions of a range got through a funnel's ordered steps
-- (docs/conversions.md, "Funnels"). Within one session:
-- * the funnel starts the first time the session completes step 1 (t1);
-- * it reaches step i at the first time, at or after it reached step i-1, that it completes
--   step i: later repeats of a step change nothing, and a step completed only before the
--   previous one does not count (out of order) unless it is completed again after it;
-- * with a time limit, step i counts only if that time is at most the limit after t1;
-- * a page step is completed by a view of a page its pattern matches (at the view's time), a
--   goal step as the goal is (a matching custom event at its time, or a view of a page of the
--   goal's pattern);
-- * an event or view that completes two consecutive steps counts for both.
-- Per step: the visitors (and sessions) that reached it, the drop-off from the step before
-- and the conversion from step 1 (visitors who reached it / visitors who reached step 1).
-- Sessions as in every report: those that started in [p_from, p_to) and match p_filters.
-- Page views are timed from 0010 on (session_pages.viewed_at): older sessions without raw
-- events to take the times from cannot take part.

-- The times at which a session of [p_from, p_to) completed a funnel step: one row per custom
-- event (at: its time) and per page row (at: its first view; path: to look up later views).
create or replace function private.step_hits(p_site text, p_tz text, p_step jsonb,
                                             p_from timestamptz, p_to timestamptz)
returns table (session_id text, visitor_id text, at timestamptz, path text)
language plpgsql stable as $$
declare
  v_goal public.goals;
  v_pattern text := p_step ->> 'page';
begin
  if v_pattern is null then
    select * into v_goal from public.goals g
    where g.site_id = p_site and g.id = (p_step ->> 'goal')::bigint;
    if not found then
      return; -- a goal no longer there (or not readable): nobody completes the step
    end if;
    if v_goal.event_name is not null then
      return query
        select h.session_id, h.visitor_id, h.at, null::text
        from private.event_hits(p_site, 'custom', v_goal.event_name, v_goal.prop_key,
                                v_goal.prop_value, p_from, p_to) h;
      return;
    end if;
    v_pattern := v_goal.page_path;
  end if;
  return query
    select p.session_id, p.visitor_id, p.first_at, p.path
    from private.page_hits(p_site,
                           private.matching_paths(p_site, p_tz, v_pattern, p_from, p_to),
                           p_from, p_to) p
    where p.first_at is not null;
end
$$;

create or replace function public.stats_funnel(p_site text, p_funnel bigint,
                                               p_from timestamptz, p_to timestamptz,
                                               p_filters jsonb default '{}')
returns table (step integer, label text, visitors bigint, sessions bigint, dropoff bigint,
               conversion_rate double precision)
language plpgsql stable security invoker set search_path = '' set jit = off
  set plan_cache_mode = force_custom_plan as $$
declare
  v_tz text;
  v_funnel public.funnels;
  v_window interval;
  v_step jsonb;
  v_i integer := 0;
  v_label text;
  -- The sessions that reached the current step: id, visitor, t1 and the time they reached it.
  v_sessions text[];
  v_visitors text[];
  v_t1 timestamptz[];
  v_t timestamptz[];
  v_first bigint;
  v_prev bigint;
  v_count bigint;
begin
  perform private.check_range(p_from, p_to);
  perform private.check_filters(p_filters);
  v_tz := private.site_timezone(p_site);
  select * into v_funnel from public.funnels f where f.site_id = p_site and f.id = p_funnel;
  if not found then
    raise exception 'funnel % is not a funnel of site "%"', p_funnel, p_site
      using errcode = '22023';
  end if;
  v_window := make_interval(secs => v_funnel.window_seconds);
  for v_step in select s from jsonb_array_elements(v_funnel.steps) s loop
    v_i := v_i + 1;
    if v_i = 1 then
      select array_agg(x.session_id), array_agg(x.visitor_id), array_agg(x.t), array_agg(x.t)
      into v_sessions, v_visitors, v_t1, v_t
      from (
        select h.session_id, min(h.visitor_id) as visitor_id, min(h.at) as t
        from private.step_hits(p_site, v_tz, v_step, p_from, p_to) h
        where p_filters = '{}' or exists (
          select 1 from private.filtered_sessions(p_site, p_from, p_to, p_filters) f
          where f.session_id = h.session_id)
        group by h.session_id
      ) x;
    elsif coalesce(cardinality(v_sessions), 0) > 0 then
      select array_agg(x.session_id), array_agg(x.visitor_id), array_agg(x.t1), array_agg(x.t)
      into v_sessions, v_visitors, v_t1, v_t
      from (
        select r.session_id, r.visitor_id, r.t1, min(c.at) as t
        from unnest(v_sessions, v_visitors, v_t1, v_t) r(session_id, visitor_id, t1, t)
        join private.step_hits(p_site, v_tz, v_step, p_from, p_to) h
          on h.session_id = r.session_id
        cross join lateral (
          -- The hit itself when it is not before the previous step; a page viewed first
          -- before it may have been viewed again after it.
          select h.at where h.at >= r.t
          union all
          select min(x.at) from public.session_pages sp
          cross join lateral unnest(sp.viewed_at) x(at)
          where h.at < r.t and h.path is not null and sp.site_id = p_site
            and sp.session_id = h.session_id and sp.path = h.path and x.at >= r.t
        ) c
        where c.at is not null and (v_window is null or c.at <= r.t1 + v_window)
        group by r.session_id, r.visitor_id, r.t1
      ) x;
    end if;
    v_count := (select count(distinct v) from unnest(v_visitors) v);
    v_first := coalesce(v_first, v_count);
    v_label := coalesce(v_step ->> 'page',
      (select g.name from public.goals g
       where g.site_id = p_site and g.id = (v_step ->> 'goal')::bigint), '(deleted goal)');
    step := v_i;
    label := v_label;
    visitors := v_count;
    sessions := coalesce(cardinality(v_sessions), 0);
    dropoff := coalesce(v_prev - v_count, 0);
    conversion_rate := coalesce(v_count::float8 / nullif(v_first, 0), 0);
    return next;
    v_prev := v_count;
  end loop;
end
$$;
