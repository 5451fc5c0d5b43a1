-- Visitors seen within the window, most recent first (at most 1,000: a map's worth), for whoever
-- may watch the site's live view (03_access.sql: members, service tokens, share links that show
-- it); anyone else gets insufficient_privilege (a public site publishes public.live_count).
create or replace function public.live_visitors(p_site text, p_window_seconds integer default 300)
returns table (visitor_id text, latitude double precision, longitude double precision,
               country text, region text, city text, path text, device text, browser text,
               os text, value_score integer, engaged_ms bigint, pageviews bigint,
               last_seen timestamptz)
language plpgsql stable security definer set search_path = '' set jit = off as $$
begin
  if not private.can_watch_live(p_site) then
    raise exception 'the live view of site "%" is not readable with this token', p_site
      using errcode = '42501', detail = 'not_readable';
  end if;
  return query
    select v.visitor_id, v.latitude, v.longitude, v.country, v.region, v.city, v.last_path,
      v.device, v.browser, v.os, v.value_score, v.engaged_ms, v.pageviews, v.last_seen
    from public.visitors v
    where v.site_id = p_site
      and v.last_seen > now() - make_interval(secs => least(greatest(p_window_seconds, 1), 86400))
    order by v.last_seen desc
    limit 1000;
end
$$;
-- Share links' passes have role anon: callers are checked inside.
revoke execute on function public.live_visitors(text, integer) from public;
grant execute on function public.live_visitors(text, integer) to anon, authenticated, service_role;
