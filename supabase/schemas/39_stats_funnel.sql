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

-- The funnel is one statement, built for its steps (2 to 8): a CTE per step with the rows that
-- complete it (index-only reads of page rows and event rows in range), and one per step with
-- the sessions that reached it and when, each joined to the one before by session (hash joins
-- of sets that shrink step by step). A step's matcher goes in as parameters $6.. (four per
-- step: pages, event name, property key, property value); no text from the funnel is spliced
-- into the statement. Times of a page's later views are read (session_pages.viewed_at) only for
-- a page viewed more than once whose first view came before the previous step.
drop function if exists private.step_hits(text, text, jsonb, timestamptz, timestamptz);

-- The SQL of the rows that complete step `p_n` (1-based): (session_id, visitor_id, at, path,
-- pageviews) of sessions that started in [$2, $3); a page step's or page goal's pages are $P, a
-- custom event goal's name, property key and value $E, $K, $V.
create or replace function private.funnel_step_sql(p_n integer, p_pages boolean) returns text
language sql immutable parallel safe as $$
  select case when p_pages then format($f$
      select sp.session_id, sp.visitor_id, sp.first_viewed_at as at, sp.path, sp.pageviews
      from public.session_pages sp
      where sp.site_id = $1 and sp.path = any ($%1$s) and sp.country is not null
        and sp.hour >= $2 and sp.hour < $3 and sp.first_viewed_at is not null
      union all
      select sp.session_id, sp.visitor_id, sp.first_viewed_at, sp.path, sp.pageviews
      from public.session_pages sp
      join public.sessions s on s.site_id = sp.site_id and s.session_id = sp.session_id
      where sp.site_id = $1 and sp.country is null and sp.path = any ($%1$s)
        and sp.first_viewed_at is not null and s.hour >= $2 and s.hour < $3$f$,
      2 + 4 * p_n)
    else format($f$
      select e.session_id, e.visitor_id, e.at, null::text as path, 1 as pageviews
      from private.event_hits($1, 'custom', $%1$s, $%2$s, $%3$s, $2, $3) e$f$,
      3 + 4 * p_n, 4 + 4 * p_n, 5 + 4 * p_n)
  end
$$;

create or replace function public.stats_funnel(p_site text, p_funnel bigint,
                                               p_from timestamptz, p_to timestamptz,
                                               p_filters jsonb default '{}')
returns table (step integer, label text, visitors bigint, sessions bigint, dropoff bigint,
               conversion_rate double precision)
language plpgsql stable security definer set search_path = '' set jit = off
  set plan_cache_mode = force_custom_plan as $$
declare
  v_tz text;
  v_funnel public.funnels;
  v_step jsonb;
  v_goal public.goals;
  v_n integer;
  v_steps integer;
  v_paths text[];
  -- Per step: its pages (p1..p8; null for an event step), or its event, property key, value.
  p1 text[]; p2 text[]; p3 text[]; p4 text[]; p5 text[]; p6 text[]; p7 text[]; p8 text[];
  v_e text[] := array_fill(null::text, array[8]);
  v_k text[] := array_fill(null::text, array[8]);
  v_v text[] := array_fill(null::text, array[8]);
  v_labels text[] := array[]::text[];
  v_sql text;
  v_visitors bigint[] := array_fill(0::bigint, array[8]);
  v_sessions bigint[] := array_fill(0::bigint, array[8]);
  r record;
begin
  perform private.check_range(p_from, p_to);
  perform private.check_filters(p_filters);
  v_tz := private.authorize_card(p_site, 'conversions', p_filters);
  select * into v_funnel from public.funnels f where f.site_id = p_site and f.id = p_funnel;
  if not found then
    raise exception 'funnel % is not a funnel of site "%"', p_funnel, p_site
      using errcode = '22023';
  end if;
  v_steps := jsonb_array_length(v_funnel.steps);
  v_sql := 'with ';
  for v_n in 1 .. v_steps loop
    v_step := v_funnel.steps -> (v_n - 1);
    v_paths := null;
    if v_step ? 'page' then
      v_labels := v_labels || (v_step ->> 'page');
      v_paths := private.matching_paths(p_site, v_tz, v_step ->> 'page', p_from, p_to);
    else
      select * into v_goal from public.goals g
      where g.site_id = p_site and g.id = (v_step ->> 'goal')::bigint;
      if not found then
        -- A goal no longer there (or not readable): nobody completes the step.
        v_labels := v_labels || '(deleted goal)'::text;
        v_paths := '{}';
      else
        v_labels := v_labels || v_goal.name;
        if v_goal.page_path is not null then
          v_paths := private.matching_paths(p_site, v_tz, v_goal.page_path, p_from, p_to);
        else
          v_e[v_n] := v_goal.event_name;
          v_k[v_n] := v_goal.prop_key;
          v_v[v_n] := v_goal.prop_value;
        end if;
      end if;
    end if;
    case v_n
      when 1 then p1 := v_paths; when 2 then p2 := v_paths; when 3 then p3 := v_paths;
      when 4 then p4 := v_paths; when 5 then p5 := v_paths; when 6 then p6 := v_paths;
      when 7 then p7 := v_paths; else p8 := v_paths;
    end case;
    v_sql := v_sql || case when v_n > 1 then ', ' else '' end
      || format('h%s as (%s), ', v_n, private.funnel_step_sql(v_n, v_paths is not null));
    if v_n = 1 then
      -- The sessions of the range and filters that completed step 1, from their first time.
      v_sql := v_sql || 'r1 as (select h.session_id, min(h.visitor_id) as visitor_id, '
        || 'min(h.at) as t1, min(h.at) as t from h1 h where $4 = ''{}'' or exists ('
        || 'select 1 from private.filtered_sessions($1, $2, $3, $4) f '
        || 'where f.session_id = h.session_id) group by h.session_id)';
    else
      -- Reached step n: the first time at or after step n-1 it completed step n, within the
      -- limit. A page first viewed before that time may have been viewed again after it.
      v_sql := v_sql || format(
        'r%1$s as (select r.session_id, r.visitor_id, r.t1, min(c.at) as t '
        || 'from r%2$s r join h%1$s h on h.session_id = r.session_id '
        || 'cross join lateral (select h.at where h.at >= r.t union all '
        || 'select min(x.at) from public.session_pages sp '
        || 'cross join lateral unnest(sp.viewed_at) x(at) '
        || 'where h.at < r.t and h.pageviews > 1 and sp.site_id = $1 '
        || 'and sp.session_id = h.session_id and sp.path = h.path and x.at >= r.t) c '
        || 'where c.at is not null and ($5::interval is null or c.at <= r.t1 + $5) '
        || 'group by r.session_id, r.visitor_id, r.t1)', v_n, v_n - 1);
    end if;
  end loop;
  v_sql := v_sql || ' select n, count(distinct visitor_id) as visitors, count(*) as sessions from ('
    || (select string_agg(format('select %1$s as n, visitor_id from r%1$s', n), ' union all ')
        from generate_series(1, v_steps) n)
    || ') x group by n';
  for r in execute v_sql
    using p_site, p_from, p_to, p_filters, make_interval(secs => v_funnel.window_seconds),
      p1, v_e[1], v_k[1], v_v[1], p2, v_e[2], v_k[2], v_v[2], p3, v_e[3], v_k[3], v_v[3],
      p4, v_e[4], v_k[4], v_v[4], p5, v_e[5], v_k[5], v_v[5], p6, v_e[6], v_k[6], v_v[6],
      p7, v_e[7], v_k[7], v_v[7], p8, v_e[8], v_k[8], v_v[8]
  loop
    v_visitors[r.n] := r.visitors;
    v_sessions[r.n] := r.sessions;
  end loop;
  for v_n in 1 .. v_steps loop
    step := v_n;
    label := v_labels[v_n];
    visitors := v_visitors[v_n];
    sessions := v_sessions[v_n];
    dropoff := case when v_n = 1 then 0 else v_visitors[v_n - 1] - v_visitors[v_n] end;
    conversion_rate := coalesce(v_visitors[v_n]::float8 / nullif(v_visitors[1], 0), 0);
    return next;
  end loop;
end
$$;
