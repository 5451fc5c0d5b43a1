-- Sites and their members, as the dashboard manages them: create a site (its creator becomes its
-- owner), change its settings (an UPDATE of public.sites, allowed to owners and admins by
-- 40_security.sql), delete it with its data, invite people by e-mail, change roles, remove
-- members. Every function checks the caller's role itself (SECURITY DEFINER: the tables are
-- written by nothing else). Refusals carry a stable code in `detail` (PostgREST's `details`);
-- their SQLSTATE sets PostgREST's HTTP status (42501 403/401, 22023 400, 23505 409, PT404 404):
-- sign_in_required, not_readable, not_allowed, last_owner, already_member, site_id_taken,
-- invalid_site_id, invalid_name, invalid_domain, invalid_email, invalid_role,
-- confirmation_mismatch, not_found.

-- The caller's member role on a site when it is at least p_min; otherwise insufficient_privilege
-- (a site the caller cannot read at all looks like one that does not exist).
create or replace function private.require_role(p_site text, p_min text) returns text
language plpgsql stable security definer set search_path = '' as $$
declare
  v_uid uuid := private.user_id();
  v_role text;
begin
  if v_uid is null then
    raise exception 'sign in to manage sites' using errcode = '42501', detail = 'sign_in_required';
  end if;
  select m.role into v_role from public.site_members m where m.site_id = p_site and m.user_id = v_uid;
  if v_role is null then
    raise exception 'site "%" not found or not readable with this token', p_site
      using errcode = '42501', detail = 'not_readable';
  end if;
  if private.role_rank(v_role) < private.role_rank(p_min) then
    raise exception 'this needs the % role on site "%" (you are %)', p_min, p_site, v_role
      using errcode = '42501', detail = 'not_allowed';
  end if;
  return v_role;
end
$$;

create or replace function private.check_role(p_role text) returns void
language plpgsql immutable as $$
begin
  if p_role is null or p_role not in ('owner', 'admin', 'viewer') then
    raise exception 'role must be owner, admin or viewer' using errcode = '22023', detail = 'invalid_role';
  end if;
end
$$;

-- An e-mail address as Auth compares it: trimmed, lower case; refused when it cannot be one.
create or replace function private.normalise_email(p_email text) returns text
language plpgsql immutable as $$
declare
  v text := lower(btrim(coalesce(p_email, '')));
begin
  if length(v) > 320 or v !~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$' then
    raise exception 'not an e-mail address: "%"', left(p_email, 100)
      using errcode = '22023', detail = 'invalid_email';
  end if;
  return v;
end
$$;

-- Site names and domains, however they are written (the dashboard, an UPDATE, the SQL editor):
-- a name of 1 to 200 characters; domains as hosts (a scheme, path or trailing dot dropped,
-- lower case), at most 100, each a host name or IPv4 address with an optional port. The Worker
-- compares an origin's host with them (a domain admits its subdomains).
create or replace function private.normalise_site() returns trigger
language plpgsql as $$
declare
  v_domain text;
  v_out text[] := '{}';
begin
  new.name := btrim(new.name);
  if length(new.name) not between 1 and 200 then
    raise exception 'a site name has 1 to 200 characters' using errcode = '22023', detail = 'invalid_name';
  end if;
  if cardinality(new.domains) > 100 then
    raise exception 'at most 100 domains per site' using errcode = '22023', detail = 'invalid_domain';
  end if;
  foreach v_domain in array coalesce(new.domains, '{}') loop
    v_domain := rtrim(split_part(regexp_replace(lower(btrim(v_domain)), '^[a-z][a-z0-9+.-]*://', ''), '/', 1), '.');
    if v_domain = '' then
      continue;
    end if;
    if length(v_domain) > 253
       or v_domain !~ '^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:[0-9]{1,5})?$' then
      raise exception 'not a domain: "%"', left(v_domain, 100)
        using errcode = '22023', detail = 'invalid_domain',
              hint = 'a host such as example.com (its subdomains are included), optionally with a port';
    end if;
    if not v_domain = any (v_out) then
      v_out := v_out || v_domain;
    end if;
  end loop;
  new.domains := v_out;
  return new;
end
$$;
create or replace trigger sites_normalise before insert or update of name, domains on public.sites
  for each row execute function private.normalise_site();

-- The caller's sites with their role: members' sites, or a service token's.
create or replace function public.my_sites()
returns table (id text, name text, domains text[], timezone text, public_live boolean,
               public_dashboard boolean, store_raw boolean, respect_privacy_signals boolean,
               created_at timestamptz, role text)
language sql stable security definer set search_path = '' as $$
  select s.id, s.name, s.domains, s.timezone, s.public_live, s.public_dashboard, s.store_raw,
         s.respect_privacy_signals, s.created_at, private.site_role(s.id)
  from public.sites s
  where s.id = any (private.jwt_site_ids())
  order by lower(s.name), s.id
$$;

-- A new site, owned by the signed-in user who creates it.
create or replace function public.create_site(p_id text, p_name text, p_domains text[] default '{}',
                                              p_timezone text default 'UTC',
                                              p_public_live boolean default false,
                                              p_store_raw boolean default false,
                                              p_respect_privacy_signals boolean default true,
                                              p_public_dashboard boolean default false)
returns json
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_uid uuid := private.user_id();
begin
  if v_uid is null then
    raise exception 'sign in to add a site' using errcode = '42501', detail = 'sign_in_required';
  end if;
  if p_id is null or p_id !~ '^[A-Za-z0-9_-]{1,64}$' then
    raise exception 'a site id has 1 to 64 letters, digits, "-" or "_"'
      using errcode = '22023', detail = 'invalid_site_id';
  end if;
  begin
    insert into public.sites (id, name, domains, timezone, public_live, store_raw,
                              respect_privacy_signals, public_dashboard)
    values (p_id, coalesce(p_name, ''), coalesce(p_domains, '{}'), coalesce(p_timezone, 'UTC'),
            coalesce(p_public_live, false), coalesce(p_store_raw, false),
            coalesce(p_respect_privacy_signals, true), coalesce(p_public_dashboard, false));
  exception when unique_violation then
    raise exception 'the site id "%" is taken', p_id using errcode = '23505', detail = 'site_id_taken';
  end;
  insert into public.site_members (site_id, user_id, role) values (p_id, v_uid, 'owner');
  return (select row_to_json(s) from public.my_sites() s where s.id = p_id);
end
$$;

-- Deletes a site with all its data. p_confirm must repeat the site id (the dashboard asks for
-- it), so that no stray call deletes a site.
create or replace function public.delete_site(p_site text, p_confirm text) returns void
language plpgsql volatile security definer set search_path = '' as $$
begin
  perform private.require_role(p_site, 'owner');
  if p_confirm is distinct from p_site then
    raise exception 'type the site id to confirm deleting it' using errcode = '22023',
      detail = 'confirmation_mismatch';
  end if;
  perform private.announce_access_change(p_site, 'site_deleted');
  -- sites_cleanup (01_sites.sql) deletes its rows; memberships, invitations and links cascade.
  delete from public.sites where id = p_site;
end
$$;

-- The members of a site, for anyone who may read it.
create or replace function public.site_members_of(p_site text)
returns table (user_id uuid, email text, role text, created_at timestamptz, is_you boolean)
language plpgsql stable security definer set search_path = '' as $$
begin
  if private.site_role(p_site) is null then
    raise exception 'site "%" not found or not readable with this token', p_site
      using errcode = '42501', detail = 'not_readable';
  end if;
  return query
    select m.user_id, u.email::text, m.role, m.created_at, m.user_id = private.user_id()
    from public.site_members m join auth.users u on u.id = m.user_id
    where m.site_id = p_site
    order by private.role_rank(m.role) desc, lower(u.email);
end
$$;

-- Pending invitations of a site, for its owners and admins.
create or replace function public.site_invitations_of(p_site text)
returns table (id uuid, email text, role text, created_at timestamptz, invited_by text)
language plpgsql stable security definer set search_path = '' as $$
begin
  perform private.require_role(p_site, 'admin');
  return query
    select i.id, i.email, i.role, i.created_at, u.email::text
    from public.site_invitations i left join auth.users u on u.id = i.invited_by
    where i.site_id = p_site and i.accepted_at is null
    order by i.created_at;
end
$$;

-- Invites an address to a site (inviting it again changes the role). Owners invite any role,
-- admins admins and viewers. Returns what the invitation e-mail needs.
create or replace function public.invite_member(p_site text, p_email text, p_role text default 'viewer')
returns json
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_role text := private.require_role(p_site, 'admin');
  v_email text := private.normalise_email(p_email);
  v_id uuid;
begin
  perform private.check_role(p_role);
  if p_role = 'owner' and v_role <> 'owner' then
    raise exception 'only owners invite owners' using errcode = '42501', detail = 'not_allowed';
  end if;
  if exists (select 1 from public.site_members m join auth.users u on u.id = m.user_id
             where m.site_id = p_site and lower(u.email) = v_email) then
    raise exception '% is already a member of "%"', v_email, p_site
      using errcode = '23505', detail = 'already_member';
  end if;
  insert into public.site_invitations (site_id, email, role, invited_by)
  values (p_site, v_email, p_role, private.user_id())
  on conflict (site_id, email) where accepted_at is null
  do update set role = excluded.role, invited_by = excluded.invited_by, created_at = now()
  returning id into v_id;
  return json_build_object('id', v_id, 'site_id', p_site, 'email', v_email, 'role', p_role,
                           'site_name', (select s.name from public.sites s where s.id = p_site));
end
$$;

-- Withdraws a pending invitation (owners any, admins those for admins and viewers).
create or replace function public.revoke_invitation(p_id uuid) returns void
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_invitation public.site_invitations;
  v_role text;
begin
  select * into v_invitation from public.site_invitations where id = p_id and accepted_at is null;
  if not found then
    raise exception 'no pending invitation %', p_id using errcode = 'PT404', detail = 'not_found';
  end if;
  v_role := private.require_role(v_invitation.site_id, 'admin');
  if v_invitation.role = 'owner' and v_role <> 'owner' then
    raise exception 'only owners withdraw invitations of owners' using errcode = '42501',
      detail = 'not_allowed';
  end if;
  delete from public.site_invitations where id = p_id;
end
$$;

-- Accepts the pending invitations for the signed-in user's address, once Auth has confirmed it
-- (so an invitation goes only to whoever controls the address). The dashboard calls it at every
-- sign-in; returns the sites joined.
create or replace function public.accept_invitations()
returns table (site_id text, role text)
language plpgsql volatile security definer set search_path = '' as $$
#variable_conflict use_column
declare
  v_uid uuid := private.user_id();
  v_email text;
begin
  if v_uid is null then
    raise exception 'sign in to accept invitations' using errcode = '42501', detail = 'sign_in_required';
  end if;
  select lower(u.email) into v_email from auth.users u
  where u.id = v_uid and u.email_confirmed_at is not null;
  if v_email is null then
    return;
  end if;
  return query
    with accepted as (
      update public.site_invitations i set accepted_at = now(), accepted_by = v_uid
      where i.email = v_email and i.accepted_at is null
      returning i.site_id, i.role
    )
    insert into public.site_members as m (site_id, user_id, role)
    select distinct on (a.site_id) a.site_id, v_uid, a.role from accepted a
    order by a.site_id, private.role_rank(a.role) desc
    on conflict (site_id, user_id) do nothing
    returning m.site_id, m.role;
end
$$;

-- Owners may change any role, admins only between admin and viewer; the last owner stays one.
create or replace function public.set_member_role(p_site text, p_user uuid, p_role text)
returns void
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_role text := private.require_role(p_site, 'admin');
  v_current text;
begin
  perform private.check_role(p_role);
  -- One membership change of a site at a time: the last-owner check must not race.
  perform 1 from public.sites where id = p_site for update;
  select m.role into v_current from public.site_members m where m.site_id = p_site and m.user_id = p_user;
  if v_current is null then
    raise exception 'no such member' using errcode = 'PT404', detail = 'not_found';
  end if;
  if v_role <> 'owner' and (v_current = 'owner' or p_role = 'owner') then
    raise exception 'only owners change owners' using errcode = '42501', detail = 'not_allowed';
  end if;
  if v_current = 'owner' and p_role <> 'owner' and private.owner_count(p_site) = 1 then
    raise exception 'a site keeps at least one owner' using errcode = '42501', detail = 'last_owner';
  end if;
  update public.site_members set role = p_role where site_id = p_site and user_id = p_user;
end
$$;

create or replace function private.owner_count(p_site text) returns integer
language sql stable as $$
  select count(*)::integer from public.site_members where site_id = p_site and role = 'owner'
$$;

-- Removes a member (owners any, admins admins and viewers, anyone themselves); the last owner
-- stays. The member's access ends at once: their next request is refused, and their open live
-- channel is told to renew its pass, which they no longer get.
create or replace function public.remove_member(p_site text, p_user uuid) returns void
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_self boolean := p_user = private.user_id();
  v_role text := private.require_role(p_site, case when p_user = private.user_id() then 'viewer' else 'admin' end);
  v_current text;
begin
  perform 1 from public.sites where id = p_site for update;
  select m.role into v_current from public.site_members m where m.site_id = p_site and m.user_id = p_user;
  if v_current is null then
    raise exception 'no such member' using errcode = 'PT404', detail = 'not_found';
  end if;
  if not v_self and v_current = 'owner' and v_role <> 'owner' then
    raise exception 'only owners remove owners' using errcode = '42501', detail = 'not_allowed';
  end if;
  if v_current = 'owner' and private.owner_count(p_site) = 1 then
    raise exception 'a site keeps at least one owner' using errcode = '42501', detail = 'last_owner';
  end if;
  delete from public.site_members where site_id = p_site and user_id = p_user;
  perform private.announce_access_change(p_site, 'member_removed');
end
$$;
