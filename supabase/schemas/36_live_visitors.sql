-- Visitors seen within the window, most recent first (at most 1,000: a map's worth).
create or replace function public.live_visitors(p_site text, p_window_seconds integer default 300)
returns table (visitor_id text, latitude double precision, longitude double precision,
               country text, region text, city text, path text, device text, browser text,
               os text, value_score integer, engaged_ms bigint, pageviews bigint,
               last_seen timestamptz)
language sql stable security invoker set search_path = '' set jit = off as $$
  select v.visitor_id, v.latitude, v.longitude, v.country, v.region, v.city, v.last_path,
    v.device, v.browser, v.os, v.value_score, v.engaged_ms, v.pageviews, v.last_seen
  from public.visitors v
  where v.site_id = p_site
    and v.last_seen > now() - make_interval(secs => least(greatest(p_window_seconds, 1), 86400))
  order by v.last_seen desc
  limit 1000
$$;
-- Who is on the site, one by one: dashboard tokens only (anon gets public.live_count).
revoke execute on function public.live_visitors(text, integer) from public, anon;
grant execute on function public.live_visitors(text, integer) to authenticated, service_role;
