-- What a merge of sessions (13_ingest_sessions.sql) adds to the reports: the rollup deltas and
-- the visitor-day key deltas. Only a new session or a moved exit page changes visits and
-- active days; everything else only adds page views, bounces and engaged time. A stale or
-- repeated state adds nothing.

-- Its columns follow the registry's dimensions: `create or replace` cannot change them.
drop function if exists private.session_diffs(text, public.sessions[], public.sessions[]);

-- One row per touched session: its state after the merge and the differences to before.
create or replace function private.session_diffs(p_tz text, p_new public.sessions[],
                                                 p_old public.sessions[])
returns table (visitor_id text, hour timestamptz, day date, started_at timestamptz,
               last_seen timestamptz, exit_path text, old_exit_path text,
               latitude double precision, longitude double precision, pageviews integer,
               old_pageviews integer, engaged_ms bigint, old_engaged_ms bigint,
               max_scroll integer, is_new integer, d_pageviews integer, d_bounces integer,
               d_engaged_ms bigint, d_interactions integer,
               -- for every session dimension (src/dimensions.ts): {column} text{,}
               entry_path text,
               referrer_host text,
               referrer_class text,
               country text,
               region text,
               city text,
               device text,
               browser text,
               os text,
               utm_source text,
               utm_medium text,
               utm_campaign text,
               utm_term text,
               utm_content text,
               click_id text
               -- end for
               )
language sql immutable parallel safe as $$
  select n.visitor_id, n.hour, (n.hour at time zone p_tz)::date, n.started_at, n.last_seen,
    n.exit_path, o.exit_path, n.latitude, n.longitude, n.pageviews, o.pageviews, n.engaged_ms,
    o.engaged_ms, n.max_scroll, (o.session_id is null)::integer,
    n.pageviews - coalesce(o.pageviews, 0),
    (n.pageviews = 1)::integer - coalesce((o.pageviews = 1)::integer, 0),
    n.engaged_ms - coalesce(o.engaged_ms, 0), n.interactions - coalesce(o.interactions, 0),
    -- for every session dimension (src/dimensions.ts): n.{column}{,}
    n.entry_path,
    n.referrer_host,
    n.referrer_class,
    n.country,
    n.region,
    n.city,
    n.device,
    n.browser,
    n.os,
    n.utm_source,
    n.utm_medium,
    n.utm_campaign,
    n.utm_term,
    n.utm_content,
    n.click_id
    -- end for
  -- Element by element; an old row is all nulls for a new session.
  from unnest(p_new) with ordinality n
  join unnest(p_old) with ordinality o on o.ordinality = n.ordinality
$$;

-- The rollup deltas per (dimension, value, hour) and the visitor-day key deltas (see
-- public.visitor_days) of a merge, from its one difference row per session.
-- Rollups: by grouping sets (no row per dimension); a page's bounces are those of the sessions
-- that entered (and so only saw) it; the exit page a session leaves loses what the one it
-- reaches gains. Keys: every key of a new session (+1), and the exit page a session reaches
-- (+1) and the one it leaves (-1).
create or replace function private.session_deltas(p_site text, p_tz text,
                                                  p_new public.sessions[],
                                                  p_old public.sessions[],
                                                  out rollups private.dim_delta[],
                                                  out keys private.key_delta[])
language plpgsql stable as $$
begin
  with diffs as (
    select * from private.session_diffs(p_tz, p_new, p_old)
  ),
  rollup_deltas as (
    select
      case
        -- for every session dimension (src/dimensions.ts): when grouping(g.{column}) = 0 then '{name}'
        when grouping(g.entry_path) = 0 then 'entry_page'
        when grouping(g.referrer_host) = 0 then 'referrer'
        when grouping(g.referrer_class) = 0 then 'referrer_class'
        when grouping(g.country) = 0 then 'country'
        when grouping(g.region) = 0 then 'region'
        when grouping(g.city) = 0 then 'city'
        when grouping(g.device) = 0 then 'device'
        when grouping(g.browser) = 0 then 'browser'
        when grouping(g.os) = 0 then 'os'
        when grouping(g.utm_source) = 0 then 'utm_source'
        when grouping(g.utm_medium) = 0 then 'utm_medium'
        when grouping(g.utm_campaign) = 0 then 'utm_campaign'
        when grouping(g.utm_term) = 0 then 'utm_term'
        when grouping(g.utm_content) = 0 then 'utm_content'
        when grouping(g.click_id) = 0 then 'click_id'
        -- end for
        else '' end as dimension,
      -- Exactly one of these is grouped (not null) in each set; none in the site total.
      coalesce(
        -- for every session dimension (src/dimensions.ts): g.{column},
        g.entry_path,
        g.referrer_host,
        g.referrer_class,
        g.country,
        g.region,
        g.city,
        g.device,
        g.browser,
        g.os,
        g.utm_source,
        g.utm_medium,
        g.utm_campaign,
        g.utm_term,
        g.utm_content,
        g.click_id,
        -- end for
        '') as value,
      g.hour, g.day, sum(g.is_new)::integer as visits, sum(g.d_pageviews)::integer as pageviews,
      sum(g.d_bounces)::integer as bounces, sum(g.d_engaged_ms)::bigint as engaged_ms
    from diffs g
    where g.is_new <> 0 or g.d_pageviews <> 0 or g.d_bounces <> 0 or g.d_engaged_ms <> 0
    group by g.hour, g.day, grouping sets (
      -- for every session dimension (src/dimensions.ts): (g.{column}),
      (g.entry_path),
      (g.referrer_host),
      (g.referrer_class),
      (g.country),
      (g.region),
      (g.city),
      (g.device),
      (g.browser),
      (g.os),
      (g.utm_source),
      (g.utm_medium),
      (g.utm_campaign),
      (g.utm_term),
      (g.utm_content),
      (g.click_id),
      -- end for
      ())
    union all
    -- The entry page's bounces, as a page and within the session's country (daily only).
    select case when grouping(g.country) = 0 then 'page@' || g.country else 'page' end,
      g.entry_path, g.hour, g.day, 0, 0, sum(g.d_bounces)::integer, 0
    from diffs g
    where g.d_bounces <> 0
    group by g.entry_path, g.hour, g.day, grouping sets ((), (g.country))
    union all
    select 'exit_page', x.value, g.hour, g.day, sum(x.visits)::integer,
      sum(x.pageviews)::integer, sum(x.bounces)::integer, sum(x.engaged_ms)::bigint
    from diffs g
    cross join lateral (values
      (g.exit_path, 1, g.pageviews, (g.pageviews = 1)::integer, g.engaged_ms),
      (g.old_exit_path, -1, -g.old_pageviews, -(g.old_pageviews = 1)::integer,
        -g.old_engaged_ms)
    ) x(value, visits, pageviews, bounces, engaged_ms)
    where x.value is not null
    group by x.value, g.hour, g.day
    having sum(x.visits) <> 0 or sum(x.pageviews) <> 0 or sum(x.bounces) <> 0
      or sum(x.engaged_ms) <> 0
  ),
  key_deltas as (
    select g.visitor_id, g.day, k.key, case when g.is_new = 1 or k.n = 1 then 1 else -1 end as hits
    from diffs g
    cross join lateral unnest(case when g.is_new = 1 then array[
        private.dimension_key(''),
        -- for every session dimension (src/dimensions.ts): '{key}' || g.{column}, -- {name}
        'c' || g.entry_path, -- entry_page
        'e' || g.referrer_host, -- referrer
        'f' || g.referrer_class, -- referrer_class
        'g' || g.country, -- country
        'h' || g.region, -- region
        'i' || g.city, -- city
        'j' || g.device, -- device
        'k' || g.browser, -- browser
        'l' || g.os, -- os
        'm' || g.utm_source, -- utm_source
        'n' || g.utm_medium, -- utm_medium
        'o' || g.utm_campaign, -- utm_campaign
        'r' || g.utm_term, -- utm_term
        's' || g.utm_content, -- utm_content
        't' || g.click_id, -- click_id
        -- end for
        private.dimension_key('exit_page') || g.exit_path]
      else array[private.dimension_key('exit_page') || g.exit_path,
                 private.dimension_key('exit_page') || g.old_exit_path] end
    ) with ordinality k(key, n)
    where g.is_new = 1 or g.exit_path is distinct from g.old_exit_path
  )
  select
    (select array_agg(row(p_site, r.dimension, r.value, r.hour, r.day, r.visits, r.pageviews,
        r.bounces, r.engaged_ms)::private.dim_delta) from rollup_deltas r),
    (select array_agg(row(p_site, k.visitor_id, k.day, k.key, k.hits)::private.key_delta)
     from key_deltas k)
  into rollups, keys;
end
$$;
