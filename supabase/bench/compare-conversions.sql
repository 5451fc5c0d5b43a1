-- The timing loop of compare-conversions.sh: for every bench site (bench<events>), the last 30
-- local days, each goal report of bench_old (the old revision) and public (now) in turn, and
-- stats_overview as the same-run baseline; p50 and p95 (nearest rank) per report.
select set_config('request.jwt.claims', '{"role":"service_role"}', false),
  set_config('x.runs', :'runs', false) \gset
create temp table timing (site text, report text, version text, ms float8);
do $$
declare
  v_tz text := 'Europe/Berlin';
  v_from timestamptz := (date_trunc('day', now() at time zone v_tz) - interval '29 days') at time zone v_tz;
  v_to timestamptz := (date_trunc('day', now() at time zone v_tz) + interval '1 day') at time zone v_tz;
  v_pages text[] := array(select '/p/' || n from generate_series(0, 9) n);
  v_site text;
  v_purchase bigint;
  v_pages_goal bigint;
  v_schema text;
  v_started timestamptz;
  v_case record;
begin
  for v_site in select s.id from public.sites s where s.id ~ '^bench\d+$' order by length(s.id), s.id loop
    select g.id into v_purchase from public.goals g where g.site_id = v_site and g.name = 'Purchase';
    select g.id into v_pages_goal from public.goals g where g.site_id = v_site and g.name = 'Pages 19x';
    continue when v_purchase is null or v_pages_goal is null;
    for i in 1 .. current_setting('x.runs')::integer loop
      v_started := clock_timestamp();
      perform count(*) from public.stats_overview(v_site, v_from, v_to);
      insert into timing values (v_site, 'overview (baseline)', 'same',
                                 extract(epoch from clock_timestamp() - v_started) * 1000);
      foreach v_schema in array array['bench_old', 'public'] loop
        for v_case in
          select * from (values
            ('goals', 'stats_goals($1, $3, $4)'),
            ('goals, country filter', 'stats_goals($1, $3, $4, ''{"country": "C1"}'')'),
            ('goals, 7 days', 'stats_goals($1, $4 - interval ''7 days'', $4)'),
            ('goal by country', 'stats_goal_breakdown($1, $2, ''country'', $3, $4)'),
            ('goal by page, 10 asked', 'stats_goal_breakdown($1, $2, ''page'', $3, $4, ''{}'', 10, $6)'),
            ('goal by page, top 10', 'stats_goal_breakdown($1, $2, ''page'', $3, $4)'),
            ('goal by event', 'stats_goal_breakdown($1, $2, ''event'', $3, $4)'),
            ('page goal by channel', 'stats_goal_breakdown($1, $5, ''referrer_class'', $3, $4)')
          ) c(report, call)
        loop
          v_started := clock_timestamp();
          execute format('select count(*) from %I.%s', v_schema, v_case.call)
            using v_site, v_purchase, v_from, v_to, v_pages_goal, v_pages;
          insert into timing values (v_site, v_case.report, v_schema,
                                     extract(epoch from clock_timestamp() - v_started) * 1000);
        end loop;
      end loop;
    end loop;
  end loop;
end
$$;
select site, report, version, round(percentile_disc(0.5) within group (order by ms)::numeric, 1) as p50,
  round(percentile_disc(0.95) within group (order by ms)::numeric, 1) as p95, count(*) as runs
from timing group by 1, 2, 3 order by 1, 2, 3;
