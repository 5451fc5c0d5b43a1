-- Daily rollups (ingest_batch step 6): the flush's rollup deltas, page@<country> included, and
-- the unique-visitor changes of its visitor-day flips (18_ingest_visitor_days.sql) added to
-- public.daily_rollups in one upsert.
create or replace function private.add_daily_rollups(p_rollups private.dim_delta[],
                                                     p_chained private.key_delta[],
                                                     p_alone private.key_delta[])
returns void
language plpgsql as $$
begin
  insert into public.daily_rollups as r (site_id, dimension, value, day, visits, pageviews,
                                         bounces, engaged_ms, new_visitors, returning_by_gap)
  select y.site_id, y.dimension, y.value, y.day, y.visits, y.pageviews, y.bounces, y.engaged_ms,
    y.new_visitors, coalesce(y.returning_by_gap, '{}')
  from (
    -- At most one unique-visitor row per (dimension, value, day): max() picks its array.
    select x.site_id, x.dimension, x.value, x.day, sum(x.visits) as visits,
      sum(x.pageviews) as pageviews, sum(x.bounces) as bounces, sum(x.engaged_ms) as engaged_ms,
      sum(x.new_visitors)::integer as new_visitors, max(x.returning_by_gap) as returning_by_gap
    from (
      select d.site_id, d.dimension, d.value, d.day, d.visits, d.pageviews, d.bounces,
        d.engaged_ms, 0 as new_visitors, null::integer[] as returning_by_gap
      from unnest(p_rollups) d
      union all
      select u.site_id, u.dimension, u.value, u.day, 0, 0, 0, 0, u.new_visitors,
        u.returning_by_gap
      from private.unique_visitor_changes(p_chained, p_alone) u
    ) x
    group by 1, 2, 3, 4
  ) y
  order by 1, 2, 4, 3
  on conflict (site_id, dimension, day, value) do update set
    visits = r.visits + excluded.visits,
    pageviews = r.pageviews + excluded.pageviews,
    bounces = r.bounces + excluded.bounces,
    engaged_ms = r.engaged_ms + excluded.engaged_ms,
    new_visitors = r.new_visitors + excluded.new_visitors,
    returning_by_gap = case when cardinality(excluded.returning_by_gap) = 0 then r.returning_by_gap
                            else private.int_array_add(r.returning_by_gap, excluded.returning_by_gap) end;
end
$$;
revoke execute on function private.add_daily_rollups(private.dim_delta[], private.key_delta[],
                                                     private.key_delta[])
  from public, anon, authenticated;
grant execute on function private.add_daily_rollups(private.dim_delta[], private.key_delta[],
                                                    private.key_delta[]) to service_role;
