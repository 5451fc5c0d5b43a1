-- Visitors (ingest_batch step 2): the flush's latest visitor states and what its sessions added
-- to each visitor's counters. Geo, path and score follow the latest state (only if it is not
-- older than the stored one), first-touch referrer and UTM the earliest; a visitor the flush
-- carries no state for takes the context of its latest session and keeps its stored score.
-- Returns the number of visitors written.
create or replace function private.upsert_visitors(p_site text, p_tz text, p_visitors jsonb,
                                                   p_new public.sessions[],
                                                   p_old public.sessions[])
returns integer
language plpgsql as $$
declare
  n integer;
begin
  with state as (
    select distinct on (v.visitor_id) v.*
    from private.wire_visitors(p_visitors) v
    order by v.visitor_id, v.last_seen desc
  ),
  delta as (
    select distinct on (d.visitor_id) d.visitor_id,
      sum(d.is_new) over w as sessions, sum(d.d_pageviews) over w as pageviews,
      sum(d.d_engaged_ms) over w as engaged_ms, sum(d.d_interactions) over w as interactions,
      max(d.max_scroll) over w as max_scroll, d.started_at, d.last_seen, d.exit_path,
      d.country, d.region, d.city, d.latitude, d.longitude, d.device, d.browser, d.os,
      d.referrer_host, d.referrer_class, d.utm_source, d.utm_medium, d.utm_campaign
    from private.session_diffs(p_tz, p_new, p_old) d
    window w as (partition by d.visitor_id)
    order by d.visitor_id, d.last_seen desc
  ),
  visitors_upserted as (
    insert into public.visitors as v (
      site_id, visitor_id, first_seen, last_seen, last_path, sessions, pageviews, engaged_ms,
      max_scroll, interactions, value_score, country, region, city, latitude, longitude,
      device, browser, os, first_referrer_host, first_referrer_class, utm_source, utm_medium,
      utm_campaign)
    select p_site, coalesce(s.visitor_id, d.visitor_id), coalesce(s.first_seen, d.started_at),
      coalesce(s.last_seen, d.last_seen), coalesce(s.last_path, d.exit_path, ''),
      coalesce(d.sessions, 0), coalesce(d.pageviews, 0), coalesce(d.engaged_ms, 0),
      coalesce(d.max_scroll, 0), coalesce(d.interactions, 0),
      coalesce(s.value_score, (select cur.value_score from public.visitors cur
                               where cur.site_id = p_site and cur.visitor_id = d.visitor_id), 0),
      coalesce(s.country, d.country, ''), coalesce(s.region, d.region, ''),
      coalesce(s.city, d.city, ''),
      case when s.visitor_id is not null then s.latitude else d.latitude end,
      case when s.visitor_id is not null then s.longitude else d.longitude end,
      coalesce(s.device, d.device, ''), coalesce(s.browser, d.browser, ''),
      coalesce(s.os, d.os, ''), coalesce(s.first_referrer_host, d.referrer_host, ''),
      coalesce(s.first_referrer_class, d.referrer_class, ''),
      coalesce(s.utm_source, d.utm_source, ''), coalesce(s.utm_medium, d.utm_medium, ''),
      coalesce(s.utm_campaign, d.utm_campaign, '')
    from state s
    full join delta d on d.visitor_id = s.visitor_id
    order by 2
    on conflict (site_id, visitor_id) do update set
      first_seen = least(v.first_seen, excluded.first_seen),
      last_seen = greatest(v.last_seen, excluded.last_seen),
      sessions = v.sessions + excluded.sessions,
      pageviews = v.pageviews + excluded.pageviews,
      engaged_ms = v.engaged_ms + excluded.engaged_ms,
      interactions = v.interactions + excluded.interactions,
      max_scroll = greatest(v.max_scroll, excluded.max_scroll),
      -- The latest state wins only if it is not older than the stored one.
      last_path = case when excluded.last_seen >= v.last_seen then excluded.last_path else v.last_path end,
      value_score = case when excluded.last_seen >= v.last_seen then excluded.value_score else v.value_score end,
      country = case when excluded.last_seen >= v.last_seen then excluded.country else v.country end,
      region = case when excluded.last_seen >= v.last_seen then excluded.region else v.region end,
      city = case when excluded.last_seen >= v.last_seen then excluded.city else v.city end,
      latitude = case when excluded.last_seen >= v.last_seen then excluded.latitude else v.latitude end,
      longitude = case when excluded.last_seen >= v.last_seen then excluded.longitude else v.longitude end,
      device = case when excluded.last_seen >= v.last_seen then excluded.device else v.device end,
      browser = case when excluded.last_seen >= v.last_seen then excluded.browser else v.browser end,
      os = case when excluded.last_seen >= v.last_seen then excluded.os else v.os end,
      -- First-touch attribution belongs to the earliest state.
      first_referrer_host = case when excluded.first_seen < v.first_seen then excluded.first_referrer_host else v.first_referrer_host end,
      first_referrer_class = case when excluded.first_seen < v.first_seen then excluded.first_referrer_class else v.first_referrer_class end,
      utm_source = case when excluded.first_seen < v.first_seen then excluded.utm_source else v.utm_source end,
      utm_medium = case when excluded.first_seen < v.first_seen then excluded.utm_medium else v.utm_medium end,
      utm_campaign = case when excluded.first_seen < v.first_seen then excluded.utm_campaign else v.utm_campaign end
    returning 1
  )
  select count(*) into n from visitors_upserted;
  return n;
end
$$;
revoke execute on function private.upsert_visitors(text, text, jsonb, public.sessions[],
                                                   public.sessions[]) from public, anon, authenticated;
grant execute on function private.upsert_visitors(text, text, jsonb, public.sessions[],
                                                  public.sessions[]) to service_role;
