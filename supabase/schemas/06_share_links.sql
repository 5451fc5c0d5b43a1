-- Share links: a read-only view of one site's dashboard for whoever holds the link (and its
-- password, when it has one), minus the reports it hides; listed and revoked one by one by the
-- site's owners and admins. The link carries a random secret; only its SHA-256 is stored. A
-- viewer never presents the secret to PostgREST: the ingest Worker opens the link
-- (open_share_link, service role) and mints a pass valid for a minute (role anon, claim
-- `share`), which the report RPCs and the live topic accept while the link is open
-- (03_access.sql); the dashboard renews it (share_link_state) every half minute. Revoking a link
-- refuses its next request at once and tells its open live channels to renew, which fails.
-- Refusal codes in `detail` (HTTP status from the SQLSTATE: PT404 404, PT410 410): invalid_password, invalid_report, invalid_expiry, invalid_label,
-- share_not_found, share_revoked, share_expired, password_required, wrong_password.

-- bcrypt reads at most 72 bytes of a password.
create or replace function private.check_share_password(p_password text) returns void
language plpgsql immutable as $$
begin
  if octet_length(p_password) > 72 then
    raise exception 'a link password has at most 72 bytes' using errcode = '22023',
      detail = 'invalid_password';
  end if;
end
$$;

-- A new link; its secret is returned once, here, and never again.
create or replace function public.create_share_link(p_site text, p_label text default '',
                                                    p_password text default null,
                                                    p_hidden_reports text[] default '{}',
                                                    p_expires_at timestamptz default null)
returns json
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_secret text;
  v_hidden text[] := array(select distinct unnest(coalesce(p_hidden_reports, '{}')) order by 1);
  v_bad text;
  v_id uuid;
begin
  perform private.require_role(p_site, 'admin');
  if length(coalesce(p_label, '')) > 200 then
    raise exception 'a label has at most 200 characters' using errcode = '22023', detail = 'invalid_label';
  end if;
  select h into v_bad from unnest(v_hidden) h where h <> all (private.report_cards()) limit 1;
  if v_bad is not null then
    raise exception 'unknown report "%"', v_bad using errcode = '22023', detail = 'invalid_report',
      hint = 'one of ' || array_to_string(private.report_cards(), ', ');
  end if;
  if p_expires_at is not null and p_expires_at <= now() then
    raise exception 'the expiry must be in the future' using errcode = '22023', detail = 'invalid_expiry';
  end if;
  perform private.check_share_password(p_password);
  -- 256 random bits, URL-safe.
  v_secret := 'sl_' || rtrim(translate(encode(extensions.gen_random_bytes(32), 'base64'), '+/', '-_'), '=');
  insert into public.share_links (site_id, label, token_hash, password_hash, hidden_reports,
                                  created_by, expires_at)
  values (p_site, btrim(coalesce(p_label, '')), extensions.digest(v_secret, 'sha256'),
          case when coalesce(p_password, '') <> ''
               then extensions.crypt(p_password, extensions.gen_salt('bf', 10)) end,
          v_hidden, private.user_id(), p_expires_at)
  returning id into v_id;
  return json_build_object('id', v_id, 'token', v_secret, 'site_id', p_site);
end
$$;

-- A site's links, newest first (revoked ones too, marked), for its owners and admins.
create or replace function public.share_links_of(p_site text)
returns table (id uuid, label text, has_password boolean, hidden_reports text[],
               created_at timestamptz, expires_at timestamptz, revoked_at timestamptz,
               last_used_at timestamptz, created_by text)
language plpgsql stable security definer set search_path = '' as $$
begin
  perform private.require_role(p_site, 'admin');
  return query
    select l.id, l.label, l.has_password, l.hidden_reports, l.created_at, l.expires_at,
           l.revoked_at, l.last_used_at, u.email::text
    from public.share_links l left join auth.users u on u.id = l.created_by
    where l.site_id = p_site
    order by l.created_at desc;
end
$$;

create or replace function public.revoke_share_link(p_id uuid) returns void
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_site text;
begin
  select l.site_id into v_site from public.share_links l where l.id = p_id;
  if v_site is null then
    raise exception 'no share link %', p_id using errcode = 'PT404', detail = 'not_found';
  end if;
  perform private.require_role(v_site, 'admin');
  update public.share_links set revoked_at = coalesce(revoked_at, now()) where id = p_id;
  perform private.announce_access_change(v_site, 'share_revoked');
end
$$;

-- What a pass for an open link carries, or the reason it is refused; marks the link used.
create or replace function private.share_link_pass(p_link public.share_links) returns json
language plpgsql volatile security definer set search_path = '' as $$
begin
  if p_link.id is null then
    raise exception 'no such share link' using errcode = 'PT404', detail = 'share_not_found';
  end if;
  if p_link.revoked_at is not null then
    raise exception 'this share link was revoked' using errcode = 'PT410', detail = 'share_revoked';
  end if;
  if p_link.expires_at is not null and p_link.expires_at <= now() then
    raise exception 'this share link has expired' using errcode = 'PT410', detail = 'share_expired';
  end if;
  update public.share_links set last_used_at = now() where id = p_link.id;
  return json_build_object('link_id', p_link.id, 'site_id', p_link.site_id,
                           'hidden_reports', p_link.hidden_reports);
end
$$;

-- Opens a link by its secret (and password): what the Worker mints a pass from. Service role only.
create or replace function public.open_share_link(p_token text, p_password text default null)
returns json
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_link public.share_links;
begin
  select * into v_link from public.share_links
  where token_hash = extensions.digest(coalesce(p_token, ''), 'sha256');
  if v_link.id is not null and v_link.revoked_at is null and v_link.password_hash is not null then
    if coalesce(p_password, '') = '' then
      raise exception 'this share link needs its password' using errcode = '42501',
        detail = 'password_required';
    end if;
    perform private.check_share_password(p_password);
    if extensions.crypt(p_password, v_link.password_hash) <> v_link.password_hash then
      raise exception 'wrong password' using errcode = '42501', detail = 'wrong_password';
    end if;
  end if;
  return private.share_link_pass(v_link);
end
$$;

-- A link's state by id, to renew a pass without the secret or password. Service role only.
create or replace function public.share_link_state(p_link uuid) returns json
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_link public.share_links;
begin
  select * into v_link from public.share_links where id = p_link;
  return private.share_link_pass(v_link);
end
$$;

revoke execute on function public.open_share_link(text, text) from public, anon, authenticated;
grant execute on function public.open_share_link(text, text) to service_role;
revoke execute on function public.share_link_state(uuid) from public, anon, authenticated;
grant execute on function public.share_link_state(uuid) to service_role;
revoke execute on function private.share_link_pass(public.share_links) from public, anon, authenticated;
