-- API keys of the Stats API (table: 0012_api_keys.sql). A key reads one site's reports, as a
-- service token does; the ingest Worker looks it up by hash (api_key_site, service role), counts
-- its requests and calls the report RPCs with a pass for that site. Owners and admins create,
-- list and revoke keys; nobody reads the hashes (no table policy admits anyone: functions only).
-- Refusal codes in `detail`: invalid_label, not_found, and those of private.require_role.

-- A new key; its secret is returned once, here, and never again.
create or replace function public.create_api_key(p_site text, p_name text)
returns json
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_secret text;
  v_id uuid;
  v_name text := btrim(coalesce(p_name, ''));
begin
  perform private.require_role(p_site, 'admin');
  if length(v_name) not between 1 and 100 then
    raise exception 'a key needs a name of 1 to 100 characters' using errcode = '22023',
      detail = 'invalid_label';
  end if;
  -- 256 random bits, URL-safe, with a prefix that says what it is (secret scanners look for it).
  v_secret := 'sl_key_' || rtrim(translate(encode(extensions.gen_random_bytes(32), 'base64'), '+/', '-_'), '=');
  insert into public.site_api_keys (site_id, name, key_hash, prefix, created_by)
  values (p_site, v_name, extensions.digest(v_secret, 'sha256'), left(v_secret, 12),
          private.user_id())
  returning id into v_id;
  return json_build_object('id', v_id, 'key', v_secret, 'site_id', p_site, 'prefix', left(v_secret, 12));
end
$$;

-- A site's keys, newest first (revoked ones too, marked), for its owners and admins.
create or replace function public.api_keys_of(p_site text)
returns table (id uuid, name text, prefix text, created_at timestamptz,
               last_used_at timestamptz, revoked_at timestamptz, created_by text)
language plpgsql stable security definer set search_path = '' as $$
begin
  perform private.require_role(p_site, 'admin');
  return query
    select k.id, k.name, k.prefix, k.created_at, k.last_used_at, k.revoked_at, u.email::text
    from public.site_api_keys k left join auth.users u on u.id = k.created_by
    where k.site_id = p_site
    order by k.created_at desc;
end
$$;

create or replace function public.revoke_api_key(p_id uuid) returns void
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_site text;
begin
  select k.site_id into v_site from public.site_api_keys k where k.id = p_id;
  if v_site is null then
    raise exception 'no API key %', p_id using errcode = 'PT404', detail = 'not_found';
  end if;
  perform private.require_role(v_site, 'admin');
  update public.site_api_keys set revoked_at = coalesce(revoked_at, now()) where id = p_id;
end
$$;

-- The Worker's lookup of a presented key (service role only): its id and site while it is not
-- revoked, else no row. Marks it used at most once a minute (one write per key and minute).
create or replace function public.api_key_site(p_key text)
returns table (id uuid, site_id text)
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_key public.site_api_keys;
begin
  select * into v_key from public.site_api_keys k
  where k.key_hash = extensions.digest(p_key, 'sha256') and k.revoked_at is null;
  if v_key.id is null then
    return;
  end if;
  if v_key.last_used_at is null or v_key.last_used_at < now() - interval '1 minute' then
    update public.site_api_keys k set last_used_at = now() where k.id = v_key.id;
  end if;
  return query select v_key.id, v_key.site_id;
end
$$;

revoke all on public.site_api_keys from anon, authenticated;
revoke execute on function public.api_key_site(text) from public, anon, authenticated;
grant execute on function public.api_key_site(text) to service_role;
