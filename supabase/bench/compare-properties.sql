-- The timing loop of compare-properties.sh: for every bench site (bench<events>), the last 30
-- local days (whole days: the rollups) and the last 7 days with a filter (the raw rows in both),
-- stats_properties of bench_old (the old revision) and public (now) in turn, and stats_overview
-- as the same-run baseline; p50 and p95 (nearest rank) per report.
select set_config('request.jwt.claims', '{"role":"service_role"}', false),
  set_config('x.runs', :'runs', false) \gset
create temp table timing (site text, report text, version text, ms float8);
do $$
declare
  v_tz text := 'Europe/Berlin';
  v_from timestamptz := (date_trunc('day', now() at time zone v_tz) - interval '29 days') at time zone v_tz;
  v_to timestamptz := (date_trunc('day', now() at time zone v_tz) + interval '1 day') at time zone v_tz;
  v_site text;
  v_goal bigint;
  v_schema text;
  v_started timestamptz;
  v_case record;
begin
  for v_site in select s.id from public.sites s where s.id ~ '^bench\d+$' order by length(s.id), s.id loop
    -- An event goal without a property condition (the bench's purchase event), made for the run.
    insert into public.goals (site_id, name, event_name) values (v_site, 'Bench event_0', 'event_0')
    returning id into v_goal;
    perform public.build_goal_rollups(10);
    for i in 1 .. current_setting('x.runs')::integer loop
      v_started := clock_timestamp();
      perform count(*) from public.stats_overview(v_site, v_from, v_to);
      insert into timing values (v_site, 'overview (baseline)', 'same',
                                 extract(epoch from clock_timestamp() - v_started) * 1000);
      foreach v_schema in array array['bench_old', 'public'] loop
        for v_case in
          select * from (values
            ('properties of an event, 30 days', 'stats_properties($1, $3, $4, ''event_1'')'),
            ('properties of a revenue event, 30 days', 'stats_properties($1, $3, $4, ''event_0'')'),
            ('properties of a goal, 30 days', 'stats_properties($1, $3, $4, null, $2)'),
            ('properties of an event, 7 days', 'stats_properties($1, $4 - interval ''7 days'', $4, ''event_1'')'),
            ('properties of an event, 7 days, country filter (raw)',
             'stats_properties($1, $4 - interval ''7 days'', $4, ''event_1'', null, ''{"country": "C1"}'')')
          ) c(report, call)
        loop
          v_started := clock_timestamp();
          execute format('select count(*) from %I.%s', v_schema, v_case.call)
            using v_site, v_goal, v_from, v_to;
          insert into timing values (v_site, v_case.report, v_schema,
                                     extract(epoch from clock_timestamp() - v_started) * 1000);
        end loop;
      end loop;
    end loop;
    delete from public.goals where id = v_goal;
  end loop;
end
$$;
select site, report, version, round(percentile_disc(0.5) within group (order by ms)::numeric, 1) as p50,
  round(percentile_disc(0.95) within group (order by ms)::numeric, 1) as p95, count(*) as runs
from timing group by 1, 2, 3 order by 1, 2, 3;
