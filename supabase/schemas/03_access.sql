-- Who may read a site. Four kinds of caller reach one:
-- * a member: a Supabase Auth user (auth.uid()) in public.site_members, as owner, admin or viewer;
-- * a service token: a JWT minted by `pnpm sightline token --site <id>` (role authenticated, claim
--   site_ids, no user), for automation;
-- * a share link: a pass the ingest Worker mints for an open link (role anon, claim `share`: the
--   link's id), valid for a minute and refreshed while the link stays open;
-- * anyone, for the reports of a site with public_dashboard.
-- Table policies (40_security.sql) admit members and service tokens; the report RPCs
-- (33_–36_) also admit share links and public dashboards through authorize_report() below,
-- which refuses the reports a share link hides. Nothing here trusts a site id claimed by a user
-- token: user tokens authorise from membership only.

-- The role the caller's request runs as: PostgREST and Realtime SET ROLE to the token's role
-- (a SECURITY DEFINER function changes the current user, not this setting). A direct database
-- session (the operator, tests, `sightline db deploy`) has none and counts as service_role.
create or replace function private.caller_role() returns text
language sql stable as $$
  select case current_setting('role') when 'none' then 'service_role' else current_setting('role') end
$$;

-- auth.uid() of a signed-in user, or null: only a token of role authenticated whose subject is
-- a UUID names a user (a service token's subject is `service:<sites>`, which auth.uid() would
-- fail to cast).
create or replace function private.user_id() returns uuid
language sql stable as $$
  select case when c ->> 'role' = 'authenticated'
               and c ->> 'sub' ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
              then (c ->> 'sub')::uuid end
  from (select auth.jwt() as c) j
$$;

-- The sites of a service token's site_ids claim; empty for user tokens and anything else.
create or replace function private.service_site_ids() returns text[]
language sql stable as $$
  select coalesce(array(
    select jsonb_array_elements_text(c -> 'site_ids')
    from (select auth.jwt() as c) j
    where c ->> 'role' = 'authenticated' and private.user_id() is null
      and jsonb_typeof(c -> 'site_ids') = 'array'), '{}')
$$;

-- The sites the caller reads as a member or a service token. The table policies call it as
-- `(select private.jwt_site_ids())`, an init plan run once per statement. (Named for its first
-- version, which read a claim only; policies of every table use the name.) Definer: it reads
-- site_members, whose own policy calls it.
create or replace function private.jwt_site_ids() returns text[]
language sql stable security definer set search_path = '' as $$
  select array(select m.site_id from public.site_members m where m.user_id = private.user_id())
      || private.service_site_ids()
$$;

-- The caller's role on a site: owner, admin or viewer for members, 'service' for a service
-- token or service_role, null otherwise.
create or replace function private.site_role(p_site text) returns text
language sql stable security definer set search_path = '' as $$
  select coalesce(
    (select m.role from public.site_members m
     where m.site_id = p_site and m.user_id = private.user_id()),
    case when private.caller_role() = 'service_role' or p_site = any (private.service_site_ids())
         then 'service' end)
$$;

-- Role order for checks such as "admin or more".
create or replace function private.role_rank(p_role text) returns integer
language sql immutable parallel safe as $$
  select case p_role when 'owner' then 3 when 'admin' then 2 when 'viewer' then 1 else 0 end
$$;

-- The open share link a pass names (claim `share`), or null.
create or replace function private.share_link_id() returns uuid
language sql stable as $$
  select case when c ->> 'share' ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
              then (c ->> 'share')::uuid end
  from (select auth.jwt() as c) j
$$;

-- The report card a dimension is shown on (the dashboard hides and share links hide whole
-- cards; 'live' is the live map and feed).
create or replace function private.dimension_card(p_dimension text) returns text
language sql immutable parallel safe as $$
  select case p_dimension
    -- for every dimension (src/dimensions.ts): when '{name}' then '{card}'
    when 'page' then 'pages'
    when 'entry_page' then 'pages'
    when 'exit_page' then 'pages'
    when 'referrer' then 'sources'
    when 'referrer_class' then 'sources'
    when 'country' then 'places'
    when 'region' then 'places'
    when 'city' then 'places'
    when 'device' then 'devices'
    when 'browser' then 'devices'
    when 'os' then 'devices'
    when 'utm_source' then 'campaigns'
    when 'utm_medium' then 'campaigns'
    when 'utm_campaign' then 'campaigns'
    when 'utm_term' then 'campaigns'
    when 'utm_content' then 'campaigns'
    when 'click_id' then 'campaigns'
    when 'event' then 'events'
    -- end for
  end
$$;

-- Every card a share link may hide.
create or replace function private.report_cards() returns text[]
language sql immutable parallel safe as $$
  select array(select distinct private.dimension_card(d) from unnest(private.dimensions()) d)
      || array['conversions', 'live']
$$;

-- The cards hidden by the open share link the caller's pass names, when it is a link of this
-- site; null otherwise (no pass, another site's link, revoked, expired).
create or replace function private.share_hidden(p_site text) returns text[]
language sql stable security definer set search_path = '' as $$
  select l.hidden_reports from public.share_links l
  where l.id = private.share_link_id() and l.site_id = p_site
    and l.revoked_at is null and (l.expires_at is null or l.expires_at > now())
$$;

-- What the caller may not see of a site's dashboard: '{}' for members and service tokens, the
-- link's hidden cards for a share link, {live} for a public dashboard (the reports, not who is
-- on the site); null when the caller may read nothing of the site (or it does not exist).
create or replace function private.hidden_reports(p_site text) returns text[]
language sql stable security definer set search_path = '' as $$
  select case
    when private.site_role(p_site) is not null then '{}'::text[]
    when private.share_hidden(p_site) is not null then private.share_hidden(p_site)
    when exists (select 1 from public.sites s where s.id = p_site and s.public_dashboard)
      then array['live']
  end
$$;

-- Called first by every report RPC: the site's time zone when the caller may read this report
-- (its site, the breakdown's dimension and every filter's dimension on cards it may see);
-- otherwise insufficient_privilege, the same for a site that does not exist (PostgREST: 403
-- with a token, 401 without).
create or replace function private.authorize_report(p_site text, p_filters jsonb default '{}',
                                                    p_dimension text default null)
returns text
language plpgsql stable security definer set search_path = '' as $$
declare
  v_hidden text[] := private.hidden_reports(p_site);
  v_card text;
begin
  if v_hidden is null then
    raise exception 'site "%" not found or not readable with this token', p_site
      using errcode = '42501', detail = 'not_readable';
  end if;
  if cardinality(v_hidden) > 0 then
    select private.dimension_card(d) into v_card
    from (select p_dimension as d
          union all
          select k from jsonb_object_keys(case when jsonb_typeof(p_filters) = 'object'
                                               then p_filters else '{}' end) k) ds
    where private.dimension_card(d) = any (v_hidden)
    limit 1;
    if v_card is not null then
      raise exception 'the report "%" is hidden on this shared dashboard', v_card
        using errcode = '42501', detail = 'report_hidden';
    end if;
  end if;
  return (select s.timezone from public.sites s where s.id = p_site);
end
$$;

-- Whether the caller may see this card of a site's dashboard: members and service tokens every
-- card, a share link those it does not hide, a public dashboard all but 'live'; nobody else.
create or replace function private.can_see_card(p_site text, p_card text) returns boolean
language sql stable security definer set search_path = '' as $$
  select coalesce(not (p_card = any (private.hidden_reports(p_site))), false)
$$;

-- authorize_report for the reports that are a card rather than a dimension (goals, funnels,
-- properties, outbound links: card 'conversions'; page engagement: 'pages'): the same refusal
-- for a caller who may not read the site, and report_hidden when a share link hides the card.
create or replace function private.authorize_card(p_site text, p_card text,
                                                  p_filters jsonb default '{}')
returns text
language plpgsql stable security definer set search_path = '' as $$
declare
  v_tz text := private.authorize_report(p_site, p_filters);
begin
  if not private.can_see_card(p_site, p_card) then
    raise exception 'the report "%" is hidden on this shared dashboard', p_card
      using errcode = '42501', detail = 'report_hidden';
  end if;
  return v_tz;
end
$$;

-- Who may define a site's goals, funnels and content groups: its owners and admins, and service
-- tokens for it (automation); viewers, share links and public dashboards only read the reports.
create or replace function private.can_edit_conversions(p_site text) returns boolean
language sql stable security definer set search_path = '' as $$
  select private.role_rank(private.site_role(p_site)) >= private.role_rank('admin')
      or private.site_role(p_site) = 'service'
$$;

-- Who may watch a site's live view (the private Realtime topic site:<id>, live_visitors): a
-- member, a service token for the site or a share link that shows it; not a public dashboard
-- (it publishes its reports and its live count, not who is on the site).
create or replace function private.can_watch_live(p_site text) returns boolean
language sql stable security definer set search_path = '' as $$
  select private.can_see_card(p_site, 'live')
$$;

-- The longest-lived token the live topic admits (42_live_access.sql). Realtime authorises a
-- channel when it is joined, and again only when its token is refreshed or expires: tokens of at
-- most this many seconds (the Worker's live passes: 60 s) bound how long a removed member or a
-- revoked share link keeps an open channel.
create or replace function private.live_token_max_seconds() returns integer
language sql immutable parallel safe as $$
  select 120
$$;

-- Tells the dashboards watching a site that access to it changed (a member removed, a share
-- link revoked, the site deleted): they renew their pass at once, which a removed viewer no
-- longer gets, and Realtime re-authorises the channel with it. A malicious client that ignores
-- this loses the channel when its pass expires (live_token_max_seconds). Skipped where Realtime
-- is not installed (a plain Postgres).
create or replace function private.announce_access_change(p_site text, p_reason text)
returns void
language plpgsql volatile security definer set search_path = '' as $$
begin
  if to_regprocedure('realtime.send(jsonb, text, text, boolean)') is not null then
    perform realtime.send(jsonb_build_object('reason', p_reason, 'at', now()), 'access',
                          'site:' || p_site, true);
  end if;
end
$$;

revoke execute on function private.announce_access_change(text, text) from public, anon, authenticated;

-- A site as the caller may see it, and how: for the dashboard (which screens to show) and the
-- Worker (whether to answer). access: owner, admin, viewer, service, share or public; hidden:
-- the cards not shown. Refused like a report for a caller who may read nothing of the site.
create or replace function public.site_access(p_site text) returns json
language plpgsql stable security definer set search_path = '' as $$
declare
  v_hidden text[] := private.hidden_reports(p_site);
begin
  if v_hidden is null then
    raise exception 'site "%" not found or not readable with this token', p_site
      using errcode = '42501', detail = 'not_readable';
  end if;
  return (
    select json_build_object(
      'site', json_build_object('id', s.id, 'name', s.name, 'timezone', s.timezone,
                                'public_live', s.public_live, 'public_dashboard', s.public_dashboard),
      'access', coalesce(private.site_role(p_site),
                         case when private.share_hidden(p_site) is not null then 'share' else 'public' end),
      'hidden', v_hidden)
    from public.sites s where s.id = p_site);
end
$$;
