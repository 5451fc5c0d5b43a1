-- ingest_batch(payload jsonb): applies one flush of the SiteLive Durable Object in one
-- transaction, set-based. The payload comes in one of two shapes:
-- - the compact wire form the Worker sends (`v: 2`; IngestWire in
--   packages/schema/src/ingest-batch.ts; read by 11_ingest_wire_rows.sql): one site per flush,
--   rows as positional arrays, timestamps as epoch microseconds, and an event's session context
--   (session, visitor, source, place, client) taken from its session's row unless the event
--   carries its own. About a third of the object form's size: turning it into jsonb (which
--   every call pays before the function runs) costs a quarter as much;
-- - the object form (IngestBatch, one object per row), converted to the wire form per site by
--   12_ingest_object_form.sql: a Worker from before the wire form sends it until it is
--   redeployed after the database (docs/deploy.md), and tests and scripts send it.
-- A replay of a batch id returns duplicate = true and changes nothing. Rows of unknown sites
-- are skipped (counted out of the result), not an error: a retry could never succeed.
-- Performance (bench/ingest.ts): the payload's row counts are unknown to the planner (it
-- assumes 100 rows per jsonb_array_elements), so within a statement results are combined by
-- UNION ALL + GROUP BY or window functions rather than by joins between CTEs, which it would
-- plan as nested loops rescanning a CTE once per row.

-- Applies the rows of one site's flush in the wire form, step by step (one function per table
-- it writes, files 13-19); returns the numbers of events, sessions and visitors applied
-- (0, 0, 0 for an unknown site).
create or replace function private.apply_wire(p jsonb) returns integer[]
language plpgsql
security invoker
set search_path = ''
set jit = off
as $$
declare
  v_site text := p ->> 'site_id';
  v_tz text;
  v_new public.sessions[]; -- the sessions the flush touched, as stored after it
  v_old public.sessions[]; -- the same, as stored before it (null: a new session)
  v_rollups private.dim_delta[];
  v_keys private.key_delta[];
  v_chained private.key_delta[];
  v_alone private.key_delta[];
  n_events integer;
  n_visitors integer;
  v_known text[]; -- the flush's custom events stored before it (property rollups)
begin
  select st.timezone into v_tz from public.sites st where st.id = v_site;
  if not found then
    return array[0, 0, 0];
  end if;
  -- One flush per site at a time: the steps read the stored state before they write, so two
  -- concurrent flushes of the same session must not interleave.
  perform pg_advisory_xact_lock(hashtextextended('sightline.ingest:' || v_site, 0));

  -- 1. Sessions, and what the merge changed.
  select m.new_rows, m.old_rows into v_new, v_old
  from private.merge_sessions(v_site, v_tz, p -> 'sessions') m;
  select d.rollups, d.keys into v_rollups, v_keys
  from private.session_deltas(v_site, v_tz, v_new, v_old) d;
  -- 2. Visitors: their latest states and what their sessions added.
  n_visitors := private.upsert_visitors(v_site, v_tz, p -> 'visitors', v_new, v_old);
  v_known := private.property_known_events(v_site, p);
  -- 3. Events: raw events, session pages and custom events, and their rollup and key deltas.
  select e.events, coalesce(v_rollups, '{}') || coalesce(e.rollups, '{}'),
    coalesce(v_keys, '{}') || coalesce(e.keys, '{}')
  into n_events, v_rollups, v_keys
  from private.ingest_events(v_site, v_tz, coalesce((p ->> 'store_raw')::boolean, false),
                             p -> 'events', p -> 'sessions') e;
  -- 4. Hourly rollups.
  perform private.add_rollups(v_rollups);
  -- 5. Visitor days, and the keys whose activity flips on a day.
  select m.chained, m.alone into v_chained, v_alone from private.merge_visitor_days(v_keys) m;
  -- 6. Daily rollups: measures and unique visitors.
  perform private.add_daily_rollups(v_rollups, v_chained, v_alone);
  -- 7. Goal rollups of the sessions the flush touched (38_goal_rollups.sql).
  perform private.update_goal_rollups(v_site, v_tz, v_new, p);
  -- 8. Property rollups of the custom events the flush added (38_property_rollups.sql).
  perform private.update_property_rollups(v_site, v_tz, v_new, v_old, p, v_known);

  return array[n_events, coalesce(cardinality(v_new), 0), n_visitors];
end
$$;

create or replace function public.ingest_batch(payload jsonb) returns jsonb
language plpgsql
security invoker
set search_path = ''
set jit = off
as $$
declare
  v_batch text := payload ->> 'batch_id';
  v_site text;
  v_counts integer[];
  v_totals integer[] := array[0, 0, 0];
  v_result jsonb;
begin
  if v_batch is null or v_batch = '' then
    raise exception 'ingest_batch: batch_id is required' using errcode = '22023';
  end if;

  insert into public.applied_batches (batch_id, result) values (v_batch, '{}')
  on conflict (batch_id) do nothing;
  if not found then
    return jsonb_build_object('batch_id', v_batch, 'duplicate', true,
                              'events', 0, 'sessions', 0, 'visitors', 0);
  end if;

  if payload ->> 'v' = '2' then
    v_totals := private.apply_wire(payload);
  else
    -- The object form: each site's rows in the wire form (sites in order, so that two
    -- multi-site flushes take the per-site locks in the same order).
    for v_site in
      select distinct x.site_id from (
        select jsonb_array_elements(coalesce(payload -> 'sessions', '[]')) ->> 'site_id'
        union all select jsonb_array_elements(coalesce(payload -> 'events', '[]')) ->> 'site_id'
        union all select jsonb_array_elements(coalesce(payload -> 'visitors', '[]')) ->> 'site_id'
      ) as x(site_id)
      where x.site_id is not null
      order by x.site_id
    loop
      v_counts := private.apply_wire(private.wire_of(payload, v_site));
      v_totals := array[v_totals[1] + v_counts[1], v_totals[2] + v_counts[2],
                        v_totals[3] + v_counts[3]];
    end loop;
  end if;

  v_result := jsonb_build_object('batch_id', v_batch, 'duplicate', false,
                                 'events', v_totals[1], 'sessions', v_totals[2],
                                 'visitors', v_totals[3]);
  update public.applied_batches set result = v_result where batch_id = v_batch;
  return v_result;
end
$$;

-- Only the Worker (service_role) writes. Supabase and the devstack grant EXECUTE on new
-- functions in public to anon and authenticated by default privileges: take it back.
revoke execute on function public.ingest_batch(jsonb) from public, anon, authenticated;
grant execute on function public.ingest_batch(jsonb) to service_role;
revoke execute on function private.apply_wire(jsonb) from public, anon, authenticated;
grant execute on function private.apply_wire(jsonb) to service_role;
