-- Privacy defaults: what a public site exposes, how long visitor-level rows are kept, and the
-- per-site opt-out of Global Privacy Control / Do Not Track. Self-contained: every object is
-- created or replaced here, so the file can be re-run.

-- 1. Global Privacy Control / Do Not Track. The ingest Worker drops beacons sent with
--    `Sec-GPC: 1` or `DNT: 1` (answered like accepted ones) unless the site opts out here,
--    e.g. because it records consent of its own.
alter table public.sites
  add column if not exists respect_privacy_signals boolean not null default true;

-- 2. A public_live site publishes its live COUNT, nothing per visitor. 0004 let anon read the
--    site's `visitors` rows (paths, coordinates, visitor ids) and 0006 let anon join its live
--    topic `site:<id>`, which carries every visitor and event of the live feed. Both go; the
--    count is `public.live_count(site)` here and `GET /v1/sites/:id/live` on the Worker.
drop policy if exists visitors_read_public_live on public.visitors;
drop policy if exists live_topic_read_public on realtime.messages;
-- live_visitors lists visitors (security invoker): dashboard tokens only.
revoke execute on function public.live_visitors(text, integer) from public, anon;
grant execute on function public.live_visitors(text, integer) to authenticated, service_role;

-- Visitors seen in the last `p_window_seconds` (1 s to 15 min) of a public_live site; null for
-- any other site, so anon learns nothing about sites that publish nothing.
create or replace function public.live_count(p_site text, p_window_seconds integer default 300)
returns integer
language sql stable security definer set search_path = '' as $$
  select case when private.site_is_public_live(p_site) then (
    select count(*)::integer from public.visitors v
    where v.site_id = p_site
      and v.last_seen > now() - make_interval(secs => least(greatest(p_window_seconds, 1), 900))
  ) end
$$;
revoke execute on function public.live_count(text, integer) from public;
grant execute on function public.live_count(text, integer) to anon, authenticated, service_role;

-- 3. Retention. Aggregates (rollups, daily_rollups) carry no visitor and are kept; every table
--    with a visitor or session id, and the idempotency log, is cut after its period below,
--    by `public.apply_retention()`, which the ingest Worker's Cron Trigger calls daily
--    (wrangler.jsonc `triggers.crons`). Operators may change a period with an UPDATE.
create table if not exists private.retention (
  table_name text primary key,
  -- The column compared with now() - keep.
  time_column text not null,
  keep interval not null check (keep >= interval '1 day'),
  why text not null
);
revoke all on private.retention from public, anon, authenticated;

insert into private.retention (table_name, time_column, keep, why) values
  ('applied_batches', 'applied_at', interval '30 days',
   'idempotency of flushes: a SiteLive outbox retries within minutes of the database answering'),
  ('events', 'at', interval '90 days',
   'raw events (local and self-hosted; production keeps them in Analytics Engine)'),
  ('sessions', 'last_seen', interval '400 days',
   'visit-level rows for filtered reports; 400 days = the tracker''s 365-day visitor id plus a margin'),
  ('session_pages', 'hour', interval '400 days', 'pages of those sessions'),
  ('session_events', 'hour', interval '400 days', 'custom events of those sessions'),
  ('visitor_days', 'day', interval '400 days',
   'per-visitor activity days for exact uniques; older days cannot chain to a live visitor id'),
  ('visitors', 'last_seen', interval '400 days',
   'the visitor''s latest state; a visitor silent this long is gone from the tracker too')
on conflict (table_name) do nothing;

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
                            'session_events', 'visitor_days', 'visitors') then
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
