-- Retention (the periods are rows of private.retention, migration 0008): the ingest Worker's
-- Cron Trigger calls this daily.

-- Deletes, table by table, at most p_limit rows past their period (a bounded transaction; the
-- caller repeats while `more` is true). Returns { "<table>": rows deleted, …, "more": bool }.
create or replace function public.apply_retention(p_now timestamptz default now(),
                                                  p_limit integer default 50000)
returns jsonb
language plpgsql security definer set search_path = '' as $$
declare
  r record;
  v_done integer;
  v_result jsonb := '{}';
  v_more boolean := false;
  v_limit integer := least(greatest(p_limit, 1), 1000000);
begin
  for r in select * from private.retention order by table_name loop
    if r.table_name not in ('applied_batches', 'events', 'sessions', 'session_pages',
                            'session_events', 'visitor_days', 'visitors', 'event_log',
                            'goal_sessions', 'goal_visitor_days', 'property_visitor_days') then
      continue;
    end if;
    execute format(
      'delete from public.%I where ctid = any (array(select ctid from public.%I where %I < $1 limit $2))',
      r.table_name, r.table_name, r.time_column)
      using (case when r.time_column = 'day' then (p_now - r.keep)::date::timestamptz
                  else p_now - r.keep end), v_limit;
    get diagnostics v_done = row_count;
    v_result := v_result || jsonb_build_object(r.table_name, v_done);
    v_more := v_more or v_done >= v_limit;
  end loop;
  return v_result || jsonb_build_object('more', v_more);
end
$$;
revoke execute on function public.apply_retention(timestamptz, integer) from public, anon, authenticated;
grant execute on function public.apply_retention(timestamptz, integer) to service_role;
