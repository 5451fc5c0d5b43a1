-- What a public_live site publishes: its live COUNT, nothing per visitor (no paths, places or
-- visitor ids). Anon reads it here and from the Worker's `GET /v1/sites/:id/live`.

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
