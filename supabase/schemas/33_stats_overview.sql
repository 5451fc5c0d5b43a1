-- stats_overview: the totals of a range and of the equal-length period before it (the paths and
-- definitions: 30_report_helpers.sql).
create or replace function public.stats_overview(p_site text, p_from timestamptz, p_to timestamptz,
                                                 p_filters jsonb default '{}')
returns json
language plpgsql stable security definer set search_path = '' set jit = off
  set plan_cache_mode = force_custom_plan as $$
declare
  v_tz text;
  v_result json;
begin
  perform private.check_range(p_from, p_to);
  perform private.check_filters(p_filters);
  v_tz := private.authorize_report(p_site, p_filters);
  select json_build_object(
    'visitors', c.visitors, 'visits', c.visits, 'pageviews', c.pageviews,
    'bounce_rate', coalesce(c.bounces::float8 / nullif(c.visits, 0), 0),
    'engaged_ms', c.engaged_ms,
    'avg_engaged_ms', coalesce(round(c.engaged_ms::numeric / nullif(c.visits, 0)), 0)::bigint,
    'previous', json_build_object(
      'visitors', p.visitors, 'visits', p.visits, 'pageviews', p.pageviews,
      'bounce_rate', coalesce(p.bounces::float8 / nullif(p.visits, 0), 0),
      'engaged_ms', p.engaged_ms,
      'avg_engaged_ms', coalesce(round(p.engaged_ms::numeric / nullif(p.visits, 0)), 0)::bigint))
  into v_result
  from private.range_totals(p_site, v_tz, p_from, p_to, p_filters) c,
       private.range_totals(p_site, v_tz, private.previous_from(p_from, p_to, v_tz), p_from,
                            p_filters) p;
  return v_result;
end
$$;
