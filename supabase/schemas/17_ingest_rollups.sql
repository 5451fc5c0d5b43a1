-- Hourly rollups (ingest_batch step 4): the flush's rollup deltas added to public.rollups.
-- page@<country> rollups are daily only (19_ingest_daily_rollups.sql).
create or replace function private.add_rollups(p_rollups private.dim_delta[])
returns void
language plpgsql as $$
begin
  insert into public.rollups as r (site_id, dimension, value, hour, visits, pageviews, bounces,
                                   engaged_ms)
  select d.site_id, d.dimension, d.value, d.hour, sum(d.visits), sum(d.pageviews),
    sum(d.bounces), sum(d.engaged_ms)
  from unnest(p_rollups) d
  where left(d.dimension, 5) <> 'page@'
  group by 1, 2, 3, 4
  order by 1, 2, 4, 3
  on conflict (site_id, dimension, hour, value) do update set
    visits = r.visits + excluded.visits,
    pageviews = r.pageviews + excluded.pageviews,
    bounces = r.bounces + excluded.bounces,
    engaged_ms = r.engaged_ms + excluded.engaged_ms;
end
$$;
revoke execute on function private.add_rollups(private.dim_delta[])
  from public, anon, authenticated;
grant execute on function private.add_rollups(private.dim_delta[]) to service_role;
