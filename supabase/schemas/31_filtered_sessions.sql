-- Sessions matching every filter, with the measures the filters select and the value of
-- p_dimension (a session-level dimension, or '' ) for breakdowns. The filters are plain column
-- comparisons (one lookup of p_filters per dimension, no subquery per session); each is folded
-- to a constant or a column test when the query is planned for its arguments. Without a `page`
-- filter only the first branch remains, reading no more than sessions_country (0007) holds for
-- a `country` filter with device/browser/os/referrer_class ones: an index-only scan.
create or replace function private.filtered_sessions(p_site text, p_from timestamptz, p_to timestamptz,
                                                     p_filters jsonb, p_dimension text default '')
returns table (session_id text, visitor_id text, hour timestamptz, value text,
               pageviews bigint, engaged_ms bigint, bounce integer)
language sql stable as $$
  select s.session_id, s.visitor_id, s.hour,
    case p_dimension
      -- for every session column (src/dimensions.ts): when '{name}' then s.{column}
      when 'entry_page' then s.entry_path
      when 'exit_page' then s.exit_path
      when 'referrer' then s.referrer_host
      when 'referrer_class' then s.referrer_class
      when 'country' then s.country
      when 'region' then s.region
      when 'city' then s.city
      when 'device' then s.device
      when 'browser' then s.browser
      when 'os' then s.os
      when 'utm_source' then s.utm_source
      when 'utm_medium' then s.utm_medium
      when 'utm_campaign' then s.utm_campaign
      when 'utm_term' then s.utm_term
      when 'utm_content' then s.utm_content
      when 'click_id' then s.click_id
      -- end for
      else ''
    end,
    s.m_pageviews, s.m_engaged_ms, (s.pageviews = 1)::integer
  from (
    select s.*, s.pageviews::bigint as m_pageviews, s.engaged_ms as m_engaged_ms
    from public.sessions s
    where not p_filters ? 'page'
    union all
    -- With a `page` filter: the sessions that viewed the page, with its page views and time.
    -- One lookup per session (offset 0 keeps it so): under RLS the planner prices the
    -- primary-key probes high and would hash-join the whole table instead.
    select s.*, sp.pageviews::bigint, sp.engaged_ms
    from public.sessions s
    cross join lateral (
      select sp.pageviews, sp.engaged_ms
      from public.session_pages sp
      where sp.site_id = s.site_id and sp.session_id = s.session_id
        and sp.path = p_filters ->> 'page'
      offset 0
    ) sp
    where p_filters ? 'page'
  ) s
  where s.site_id = p_site and s.hour >= p_from and s.hour < p_to
    -- for every session column (src/dimensions.ts): and (not p_filters ? '{name}' or s.{column} = p_filters ->> '{name}')
    and (not p_filters ? 'entry_page' or s.entry_path = p_filters ->> 'entry_page')
    and (not p_filters ? 'exit_page' or s.exit_path = p_filters ->> 'exit_page')
    and (not p_filters ? 'referrer' or s.referrer_host = p_filters ->> 'referrer')
    and (not p_filters ? 'referrer_class' or s.referrer_class = p_filters ->> 'referrer_class')
    and (not p_filters ? 'country' or s.country = p_filters ->> 'country')
    and (not p_filters ? 'region' or s.region = p_filters ->> 'region')
    and (not p_filters ? 'city' or s.city = p_filters ->> 'city')
    and (not p_filters ? 'device' or s.device = p_filters ->> 'device')
    and (not p_filters ? 'browser' or s.browser = p_filters ->> 'browser')
    and (not p_filters ? 'os' or s.os = p_filters ->> 'os')
    and (not p_filters ? 'utm_source' or s.utm_source = p_filters ->> 'utm_source')
    and (not p_filters ? 'utm_medium' or s.utm_medium = p_filters ->> 'utm_medium')
    and (not p_filters ? 'utm_campaign' or s.utm_campaign = p_filters ->> 'utm_campaign')
    and (not p_filters ? 'utm_term' or s.utm_term = p_filters ->> 'utm_term')
    and (not p_filters ? 'utm_content' or s.utm_content = p_filters ->> 'utm_content')
    and (not p_filters ? 'click_id' or s.click_id = p_filters ->> 'click_id')
    -- end for
    and (not p_filters ? 'event' or exists (
      select 1 from public.session_events se
      where se.site_id = s.site_id and se.session_id = s.session_id
        and se.name = p_filters ->> 'event'
      offset 0))
$$;

-- The daily rollup (dimension, value) that holds exactly the sessions a set of filters selects,
-- if there is one: the site total (no filter), one filter (not event: its rollups count
