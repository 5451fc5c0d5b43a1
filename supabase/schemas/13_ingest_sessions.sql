-- Sessions (ingest_batch step 1, 20_ingest_batch.sql): the flush's session states merged into
-- public.sessions. A stored session keeps its bucket, visitor, start and dimensions; only its
-- counters, last_seen and exit page move.

-- Its columns grew (utm_term, utm_content, click_id): `create or replace` cannot change them.
drop function if exists private.merged_sessions(text, text, jsonb);

-- Each session of the flush beside its stored row (old_row, null for a new session) and the
-- state they merge into. Several states of one session in one flush: counters by max, the rest
-- from the latest. Dimensions, bucket and start are fixed at the first state, the exit page
-- follows the latest state, counters only grow.
create or replace function private.merged_sessions(p_site text, p_tz text, p_sessions jsonb)
returns table (session_id text, stored boolean, old_row public.sessions, visitor_id text,
               hour timestamptz, started_at timestamptz, last_seen timestamptz,
               entry_path text, exit_path text, pageviews integer, engaged_ms bigint,
               max_scroll integer, interactions integer, referrer_host text,
               referrer_class text, utm_source text, utm_medium text, utm_campaign text,
               country text, region text, city text, latitude double precision,
               longitude double precision, device text, browser text, os text,
               returning_visitor boolean, in_last_seen timestamptz, in_exit_path text,
               in_started_at timestamptz, new_epoch boolean, utm_term text, utm_content text,
               click_id text)
language sql stable as $$
  select i.session_id, o.session_id is not null, o, coalesce(o.visitor_id, i.visitor_id),
    coalesce(o.hour, date_trunc('hour', i.m_started_at, p_tz)),
    coalesce(o.started_at, i.m_started_at),
    case when o.session_id is null then i.last_seen else greatest(o.last_seen, i.last_seen) end,
    coalesce(o.entry_path, i.entry_path, ''),
    case when o.session_id is null or i.last_seen >= o.last_seen
         then coalesce(i.exit_path, '') else o.exit_path end,
    -- Counters: the state's running totals on top of its epoch's base (public.sessions).
    greatest(o.pageviews, i.m_pageviews + case e.epoch when 'new' then o.pageviews
      when 'current' then o.base_pageviews else 0 end),
    greatest(o.engaged_ms, i.m_engaged_ms + case e.epoch when 'new' then o.engaged_ms
      when 'current' then o.base_engaged_ms else 0 end),
    greatest(o.max_scroll, i.m_max_scroll),
    greatest(o.interactions, i.m_interactions + case e.epoch when 'new' then o.interactions
      when 'current' then o.base_interactions else 0 end),
    coalesce(o.referrer_host, i.referrer_host, ''),
    coalesce(o.referrer_class, i.referrer_class, ''),
    coalesce(o.utm_source, i.utm_source, ''), coalesce(o.utm_medium, i.utm_medium, ''),
    coalesce(o.utm_campaign, i.utm_campaign, ''), coalesce(o.country, i.country, ''),
    coalesce(o.region, i.region, ''), coalesce(o.city, i.city, ''),
    case when o.session_id is null then i.latitude else o.latitude end,
    case when o.session_id is null then i.longitude else o.longitude end,
    coalesce(o.device, i.device, ''), coalesce(o.browser, i.browser, ''), coalesce(o.os, i.os, ''),
    coalesce(i."returning", false), i.last_seen, coalesce(i.exit_path, ''), i.m_started_at,
    e.epoch = 'new', coalesce(o.utm_term, i.utm_term, ''),
    coalesce(o.utm_content, i.utm_content, ''), coalesce(o.click_id, i.click_id, '')
  from (
    select distinct on (r.session_id) r.*,
      min(r.started_at) over k as m_started_at,
      coalesce(max(r.pageviews) over k, 0) as m_pageviews,
      coalesce(max(r.engaged_ms) over k, 0) as m_engaged_ms,
      coalesce(max(r.max_scroll) over k, 0) as m_max_scroll,
      coalesce(max(r.interactions) over k, 0) as m_interactions
    from private.wire_sessions(p_sessions) r
    window k as (partition by r.session_id)
    order by r.session_id, r.last_seen desc, r.pageviews desc
  ) i
  left join public.sessions o on o.site_id = p_site and o.session_id = i.session_id
  -- 'new': the state started after the stored session's current epoch, so the Worker began
  -- its running totals again; 'current': a state of that epoch (a later epoch's, when there
  -- was one); otherwise the first epoch's or an older one's (GREATEST alone).
  cross join lateral (
    select case
      when o.session_id is null then 'none'
      when i.m_started_at > coalesce(o.epoch_started_at, o.started_at) then 'new'
      when i.m_started_at = o.epoch_started_at then 'current'
      else 'first'
    end as epoch
  ) e
$$;

-- Writes the merge. Returns the touched sessions as stored after it (new_rows) and before it
-- (old_rows, null for a new session), element by element: the difference actually applied,
-- which is all the later steps need (14_ingest_session_deltas.sql).
create or replace function private.merge_sessions(p_site text, p_tz text, p_sessions jsonb,
                                                  out new_rows public.sessions[],
                                                  out old_rows public.sessions[])
language plpgsql as $$
begin
  with merged as (
    select * from private.merged_sessions(p_site, p_tz, p_sessions)
  ),
  inserted as (
    -- A plain insert: the per-site lock of ingest_batch rules out a concurrent insert of the
    -- same session (which would fail the call; the Worker would retry).
    insert into public.sessions as s (
      site_id, session_id, visitor_id, hour, started_at, last_seen, entry_path, exit_path,
      pageviews, engaged_ms, max_scroll, interactions, referrer_host, referrer_class,
      utm_source, utm_medium, utm_campaign, country, region, city, latitude, longitude,
      device, browser, os, returning_visitor, utm_term, utm_content, click_id)
    select p_site, m.session_id, m.visitor_id, m.hour, m.started_at, m.last_seen, m.entry_path,
      m.exit_path, m.pageviews, m.engaged_ms, m.max_scroll, m.interactions, m.referrer_host,
      m.referrer_class, m.utm_source, m.utm_medium, m.utm_campaign, m.country, m.region,
      m.city, m.latitude, m.longitude, m.device, m.browser, m.os, m.returning_visitor,
      m.utm_term, m.utm_content, m.click_id
    from merged m
    where not m.stored
    order by m.session_id
    returning s
  ),
  updated as (
    -- Stored sessions: the merge rules again, against the row as it is now (the same row).
    update public.sessions s set
      last_seen = greatest(s.last_seen, m.in_last_seen),
      exit_path = case when m.in_last_seen >= s.last_seen then m.in_exit_path
                       else s.exit_path end,
      pageviews = greatest(s.pageviews, m.pageviews),
      engaged_ms = greatest(s.engaged_ms, m.engaged_ms),
      max_scroll = greatest(s.max_scroll, m.max_scroll),
      interactions = greatest(s.interactions, m.interactions),
      epoch_started_at = case when m.new_epoch then m.in_started_at else s.epoch_started_at end,
      base_pageviews = case when m.new_epoch then s.pageviews else s.base_pageviews end,
      base_engaged_ms = case when m.new_epoch then s.engaged_ms else s.base_engaged_ms end,
      base_interactions = case when m.new_epoch then s.interactions else s.base_interactions end
    from merged m
    where m.stored and s.site_id = p_site and s.session_id = m.session_id
    returning s, m.old_row
  )
  select array_agg(c.new_row), array_agg(c.old_row) into new_rows, old_rows
  from (
    select i.s as new_row, null::public.sessions as old_row from inserted i
    union all
    select u.s, u.old_row from updated u
  ) c;
end
$$;
revoke execute on function private.merge_sessions(text, text, jsonb)
  from public, anon, authenticated;
grant execute on function private.merge_sessions(text, text, jsonb) to service_role;
