-- Saved segments (table: 0016_segments.sql). Who may see a site's reports with filters reads
-- its segments: members of every role and service tokens for the site (not share links or
-- public dashboards: a segment is the team's working set, and its values may name what a
-- shared view hides). Any member saves one (a viewer too: filtering is reading); the member
-- who saved it, the site's owners and admins, and service tokens (automation) rename, change
-- and delete it. Reads go through RLS; writes only through the functions below, which check
-- the content and answer with a stable code in `detail`: invalid_label, invalid_filters,
-- name_taken, too_many, not_found, not_allowed, not_readable.

alter table public.segments enable row level security;
revoke all on public.segments from anon, authenticated;
grant select on public.segments to authenticated;

-- Members and service tokens of the site (private.site_role: never a share pass or anon).
create or replace function private.can_read_segments(p_site text) returns boolean
language sql stable security definer set search_path = '' as $$
  select private.site_role(p_site) is not null
$$;

-- The creator, owners and admins, service tokens.
create or replace function private.can_edit_segment(p_site text, p_created_by uuid)
returns boolean
language sql stable security definer set search_path = '' as $$
  select private.site_role(p_site) in ('owner', 'admin', 'service')
      or (p_created_by is not null and p_created_by = private.user_id()
          and private.site_role(p_site) is not null)
$$;

drop policy if exists segments_read on public.segments;
create policy segments_read on public.segments for select to authenticated
  using (private.can_read_segments(site_id));

-- The limits of the Stats API's filters (packages/schema STATS_LIMITS), and a cap per site.
create or replace function private.segment_limits() returns jsonb
language sql immutable parallel safe as $$
  select '{"filters": 10, "values": 20, "valueLength": 500, "nameLength": 80, "perSite": 100}'::jsonb
$$;

-- A name as stored: trimmed; 1 to 80 characters without control characters. Markup and
-- right-to-left text are stored as given (the dashboard renders names as text, isolated).
create or replace function private.check_segment_name(p_name text) returns text
language plpgsql immutable as $$
declare
  v_name text := btrim(coalesce(p_name, ''), E' \t\r\n');
begin
  if length(v_name) not between 1 and (private.segment_limits() ->> 'nameLength')::int
     or v_name ~ '[\u0001-\u001f\u007f-\u009f]' then
    raise exception 'a segment needs a name of 1 to 80 characters without control characters'
      using errcode = '22023', detail = 'invalid_label';
  end if;
  return v_name;
end
$$;

-- Filters as the Stats API takes them: 1 to 10 conditions [operator, dimension, values], an
-- operator it knows, a dimension of the registry, 1 to 20 strings of at most 500 characters.
create or replace function private.check_segment_filters(p_filters jsonb) returns void
language plpgsql immutable as $$
declare
  v_limits jsonb := private.segment_limits();
  v_condition jsonb;
  v_value jsonb;
  v_problem text;
begin
  if p_filters is null or jsonb_typeof(p_filters) <> 'array' then
    v_problem := 'filters must be an array of [operator, dimension, values]';
  elsif jsonb_array_length(p_filters) not between 1 and (v_limits ->> 'filters')::int then
    v_problem := format('a segment has 1 to %s filters', v_limits ->> 'filters');
  else
    for v_condition in select jsonb_array_elements(p_filters) loop
      if jsonb_typeof(v_condition) <> 'array' or jsonb_array_length(v_condition) <> 3
         or jsonb_typeof(v_condition -> 0) <> 'string'
         or jsonb_typeof(v_condition -> 1) <> 'string'
         or jsonb_typeof(v_condition -> 2) <> 'array' then
        v_problem := 'each filter is [operator, dimension, values]';
      elsif not (v_condition ->> 0 = any (array['is', 'is_not', 'contains', 'does_not_contain'])) then
        v_problem := 'unknown operator';
      elsif not (v_condition ->> 1 = any (private.dimensions())) then
        v_problem := 'unknown dimension';
      elsif jsonb_array_length(v_condition -> 2) not between 1 and (v_limits ->> 'values')::int then
        v_problem := format('a filter has 1 to %s values', v_limits ->> 'values');
      else
        for v_value in select jsonb_array_elements(v_condition -> 2) loop
          if jsonb_typeof(v_value) <> 'string'
             or length(v_value #>> '{}') > (v_limits ->> 'valueLength')::int then
            v_problem := format('a value is a string of at most %s characters',
                                v_limits ->> 'valueLength');
          end if;
        end loop;
      end if;
      exit when v_problem is not null;
    end loop;
  end if;
  if v_problem is not null then
    raise exception 'invalid segment filters: %', v_problem
      using errcode = '22023', detail = 'invalid_filters';
  end if;
end
$$;

create or replace function private.segment_json(p_segment public.segments) returns json
language sql stable security definer set search_path = '' as $$
  select json_build_object(
    'id', p_segment.id, 'site_id', p_segment.site_id, 'name', p_segment.name,
    'filters', p_segment.filters, 'created_at', p_segment.created_at,
    'updated_at', p_segment.updated_at,
    'mine', p_segment.created_by is not distinct from private.user_id()
            and p_segment.created_by is not null,
    'can_edit', private.can_edit_segment(p_segment.site_id, p_segment.created_by))
$$;

create or replace function public.create_segment(p_site text, p_name text, p_filters jsonb)
returns json
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_name text;
  v_row public.segments;
begin
  if not private.can_read_segments(p_site) then
    raise exception 'site "%" not found or not readable with this token', p_site
      using errcode = '42501', detail = 'not_readable';
  end if;
  v_name := private.check_segment_name(p_name);
  perform private.check_segment_filters(p_filters);
  -- Serialises the count with other saves of the site's segments.
  perform pg_advisory_xact_lock(hashtext('segments:' || p_site));
  if (select count(*) from public.segments s where s.site_id = p_site)
     >= (private.segment_limits() ->> 'perSite')::int then
    raise exception 'a site keeps at most % segments', private.segment_limits() ->> 'perSite'
      using errcode = '22023', detail = 'too_many';
  end if;
  begin
    insert into public.segments (site_id, name, filters, created_by)
    values (p_site, v_name, p_filters, private.user_id())
    returning * into v_row;
  exception when unique_violation then
    raise exception 'the site has a segment named "%" already', v_name
      using errcode = '23505', detail = 'name_taken';
  end;
  return private.segment_json(v_row);
end
$$;

-- The segment p_id, if the caller may change it (p_verb names the change in the refusal):
-- not_found when it does not exist or the caller cannot read its site, else not_allowed.
create or replace function private.segment_to_edit(p_id uuid, p_verb text)
returns public.segments
language plpgsql stable security definer set search_path = '' as $$
declare
  v_row public.segments;
begin
  select * into v_row from public.segments s where s.id = p_id;
  if v_row.id is null or not private.can_read_segments(v_row.site_id) then
    raise exception 'no segment %', p_id using errcode = 'PT404', detail = 'not_found';
  end if;
  if not private.can_edit_segment(v_row.site_id, v_row.created_by) then
    raise exception 'only the member who saved this segment, owners and admins % it', p_verb
      using errcode = '42501', detail = 'not_allowed';
  end if;
  return v_row;
end
$$;

-- Renames (p_name) and/or replaces the filters (p_filters) of a segment; null keeps either.
create or replace function public.update_segment(p_id uuid, p_name text default null,
                                                 p_filters jsonb default null)
returns json
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_row public.segments;
  v_name text;
begin
  v_row := private.segment_to_edit(p_id, 'change');
  if p_name is not null then
    v_name := private.check_segment_name(p_name);
  end if;
  if p_filters is not null then
    perform private.check_segment_filters(p_filters);
  end if;
  begin
    update public.segments s
    set name = coalesce(v_name, s.name), filters = coalesce(p_filters, s.filters),
        updated_at = now()
    where s.id = p_id
    returning * into v_row;
  exception when unique_violation then
    raise exception 'the site has a segment named "%" already', v_name
      using errcode = '23505', detail = 'name_taken';
  end;
  return private.segment_json(v_row);
end
$$;

create or replace function public.delete_segment(p_id uuid) returns void
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_row public.segments;
begin
  v_row := private.segment_to_edit(p_id, 'delete');
  delete from public.segments s where s.id = p_id;
end
$$;

-- A site's segments by name, each saying whether the caller may change it. Invoker: the
-- table's policy decides what is listed.
create or replace function public.segments_of(p_site text) returns setof json
language sql stable set search_path = '' as $$
  select private.segment_json(s) from public.segments s
  where s.site_id = p_site
  order by lower(s.name), s.id
$$;

revoke execute on function public.create_segment(text, text, jsonb),
  public.update_segment(uuid, text, jsonb), public.delete_segment(uuid),
  public.segments_of(text) from public, anon;
grant execute on function public.create_segment(text, text, jsonb),
  public.update_segment(uuid, text, jsonb), public.delete_segment(uuid),
  public.segments_of(text) to authenticated, service_role;
