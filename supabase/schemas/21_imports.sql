-- Imports of analytics history (tables: 0014_imports.sql; formats and rules: docs/imports.md).
-- A client (the CLI, the dashboard's upload) reads an export with @sightline/import and writes
-- it in three steps, so a large export never has to be held whole anywhere:
--   begin_import(site, file name)            -> the import's id, status 'staging'
--   import_records(id, records)              -> one batch of records (repeatable, idempotent)
--   commit_import(id, format, content hash)  -> one transaction: duplicate check, overlap
--                                               check, the summary, status 'complete'
-- A staging import is read by no report; one left behind (a client that died) is removed by
-- the next begin_import of its site after a day, or by delete_import.
-- Owners and admins of the site (and the secret key: the CLI against a hosted project) import
-- and delete; every member reads the list. Refusal codes in `detail`: invalid_import,
-- invalid_record, batch_too_large, not_found, not_staging, import_overlap, and those of
-- private.require_role.

-- The caller may change the site's imports: an owner or admin, or service_role.
create or replace function private.require_import_role(p_site text) returns void
language plpgsql stable security definer set search_path = '' as $$
begin
  if private.caller_role() <> 'service_role' then
    perform private.require_role(p_site, 'admin');
  end if;
end
$$;

-- The staging import p_import, locked, after checking the caller may write it.
create or replace function private.staging_import(p_import uuid) returns public.imports
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_import public.imports;
begin
  select * into v_import from public.imports i where i.id = p_import for update;
  if v_import.id is null then
    raise exception 'no import %', p_import using errcode = 'PT404', detail = 'not_found';
  end if;
  perform private.require_import_role(v_import.site_id);
  if v_import.status <> 'staging' then
    raise exception 'import % is already committed', p_import using errcode = '22023',
      detail = 'not_staging';
  end if;
  return v_import;
end
$$;

create or replace function public.begin_import(p_site text, p_file_name text)
returns uuid
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_id uuid;
  v_name text := btrim(coalesce(p_file_name, ''));
begin
  perform private.require_import_role(p_site);
  if length(v_name) not between 1 and 255 or v_name ~ '[[:cntrl:]]' then
    raise exception 'a file name of 1 to 255 characters, without control characters'
      using errcode = '22023', detail = 'invalid_import';
  end if;
  -- Imports abandoned while staging (a client that stopped half-way) go after a day.
  delete from public.imports i
  where i.site_id = p_site and i.status = 'staging' and i.created_at < now() - interval '1 day';
  insert into public.imports (site_id, file_name, created_by)
  values (p_site, v_name, private.user_id())
  returning id into v_id;
  return v_id;
end
$$;

-- Why a record cannot be stored, or null. A record is @sightline/import's ImportRecord as JSON:
-- { day, dimension, value, visitors, visits, pageviews, bounces, visitDurationMs, engagedMs,
--   events } (key, hash and kind are ignored).
create or replace function private.import_record_problem(p_record jsonb) returns text
language sql immutable parallel safe as $$
  select case
    when jsonb_typeof(p_record) is distinct from 'object' then 'not an object'
    when jsonb_typeof(p_record -> 'day') is distinct from 'string'
      or p_record ->> 'day' !~ '^\d{4}-\d{2}-\d{2}$'
      or not pg_input_is_valid(p_record ->> 'day', 'date') then 'day is not a YYYY-MM-DD date'
    when (p_record ->> 'day')::date not between '1990-01-01' and '2099-12-31'
      then 'day outside 1990-2099'
    when jsonb_typeof(p_record -> 'dimension') is distinct from 'string'
      or not (p_record ->> 'dimension' = '' or p_record ->> 'dimension' = any (private.dimensions()))
      then 'unknown dimension'
    when jsonb_typeof(p_record -> 'value') is distinct from 'string' then 'value is not a string'
    when p_record ->> 'dimension' = '' and p_record ->> 'value' <> ''
      then 'a site total has the value ""'
    when length(p_record ->> 'value') > 2048 then 'value longer than 2048 characters'
    when exists (
      select 1 from unnest(array['visitors', 'visits', 'pageviews', 'bounces',
                                 'visitDurationMs', 'engagedMs', 'events']) m
      where coalesce(jsonb_typeof(p_record -> m), 'null') <> 'null'
        and (jsonb_typeof(p_record -> m) <> 'number'
             or (p_record -> m)::numeric <> trunc((p_record -> m)::numeric)
             or (p_record -> m)::numeric not between 0 and 9007199254740991))
      then 'a measure is not a whole number from 0 to 2^53 - 1'
    when (p_record ->> 'bounces')::numeric > (p_record ->> 'visits')::numeric
      then 'more bounces than visits'
  end
$$;

-- One batch of an import's records, at most 10,000. Refused whole (detail invalid_record,
-- naming the first bad record by its index in the batch) if any record is bad. A batch sent
-- again (a retry) writes the same rows again: records are keyed by (dimension, value, day).
create or replace function public.import_records(p_import uuid, p_records jsonb)
returns integer
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_import public.imports;
  v_bad record;
  v_count integer;
begin
  v_import := private.staging_import(p_import);
  if jsonb_typeof(p_records) is distinct from 'array' then
    raise exception 'records must be a JSON array' using errcode = '22023', detail = 'invalid_record';
  end if;
  if jsonb_array_length(p_records) > 10000 then
    raise exception 'at most 10000 records per batch' using errcode = '22023',
      detail = 'batch_too_large';
  end if;
  select r.i - 1 as index, p.problem into v_bad
  from jsonb_array_elements(p_records) with ordinality r (e, i)
  cross join lateral (select private.import_record_problem(r.e) as problem) p
  where p.problem is not null
  order by r.i limit 1;
  if v_bad.problem is not null then
    raise exception 'record % of the batch: %', v_bad.index, v_bad.problem
      using errcode = '22023', detail = 'invalid_record';
  end if;
  insert into public.imported_rollups as t (import_id, site_id, dimension, value, day, visitors,
    visits, pageviews, bounces, engaged_ms, visit_duration_ms, events)
  select p_import, v_import.site_id, r.dimension, r.value, r.day, r.visitors, r.visits,
    r.pageviews, r.bounces, r."engagedMs", r."visitDurationMs", r.events
  from jsonb_to_recordset(p_records) as r (day date, dimension text, value text, visitors bigint,
    visits bigint, pageviews bigint, bounces bigint, "engagedMs" bigint,
    "visitDurationMs" bigint, events bigint)
  on conflict (import_id, dimension, value, day) do update set
    visitors = excluded.visitors, visits = excluded.visits, pageviews = excluded.pageviews,
    bounces = excluded.bounces, engaged_ms = excluded.engaged_ms,
    visit_duration_ms = excluded.visit_duration_ms, events = excluded.events;
  get diagnostics v_count = row_count;
  return v_count;
end
$$;

-- Commits a staging import: its rows become part of the site's reports, all at once. The same
-- data already imported into the site (same content hash) is a duplicate: the staged rows go
-- and the earlier import is returned, so importing a file twice changes nothing. An import
-- whose days overlap another import of the site is refused (import_overlap): delete the other
-- one first; two imports would otherwise count the same days twice.
create or replace function public.commit_import(p_import uuid, p_format text,
                                                p_content_hash text,
                                                p_time_zone text default null)
returns json
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_import public.imports;
  v_existing uuid;
  v_other public.imports;
begin
  v_import := private.staging_import(p_import);
  if p_format is null or p_format not in ('plausible', 'umami', 'sightline') then
    raise exception 'format must be plausible, umami or sightline' using errcode = '22023',
      detail = 'invalid_import';
  end if;
  if p_content_hash is null or p_content_hash !~ '^[0-9a-f]{64}$' then
    raise exception 'the content hash is 64 hex digits' using errcode = '22023',
      detail = 'invalid_import';
  end if;
  -- One commit per site at a time, so two concurrent imports of the same data or of
  -- overlapping days cannot both pass the checks below.
  perform pg_advisory_xact_lock(hashtext('sightline.import:' || v_import.site_id));
  select i.id into v_existing from public.imports i
  where i.site_id = v_import.site_id and i.status = 'complete' and i.content_hash = p_content_hash;
  if v_existing is not null then
    delete from public.imports where id = p_import;
    return (select json_build_object('id', i.id, 'duplicate', true, 'site_id', i.site_id,
        'format', i.format, 'records', i.records, 'days', i.days, 'first_day', i.first_day,
        'last_day', i.last_day, 'dimensions', i.dimensions)
      from public.imports i where i.id = v_existing);
  end if;
  update public.imports i set
    content_hash = p_content_hash, format = p_format,
    time_zone = nullif(btrim(coalesce(p_time_zone, '')), ''),
    records = s.records, days = s.days, first_day = s.first_day, last_day = s.last_day,
    dimensions = s.dimensions
  from (select count(*)::integer as records, count(distinct r.day)::integer as days,
          min(r.day) as first_day, max(r.day) as last_day,
          coalesce(array_agg(distinct r.dimension order by r.dimension)
                   filter (where r.dimension <> ''), '{}') as dimensions
        from public.imported_rollups r where r.import_id = p_import) s
  where i.id = p_import
  returning i.* into v_import;
  select * into v_other from public.imports i
  where i.site_id = v_import.site_id and i.status = 'complete' and i.id <> p_import
    and i.first_day <= v_import.last_day and i.last_day >= v_import.first_day
  order by i.first_day limit 1;
  if v_other.id is not null then
    raise exception 'its days (% to %) overlap the import of "%" (% to %): delete that one first',
      v_import.first_day, v_import.last_day, v_other.file_name, v_other.first_day,
      v_other.last_day
      using errcode = '22023', detail = 'import_overlap';
  end if;
  update public.imports set status = 'complete', completed_at = now() where id = p_import;
  return json_build_object('id', v_import.id, 'duplicate', false, 'site_id', v_import.site_id,
    'format', v_import.format, 'records', v_import.records, 'days', v_import.days,
    'first_day', v_import.first_day, 'last_day', v_import.last_day,
    'dimensions', v_import.dimensions);
end
$$;

-- Deletes an import (staging or committed) and every row it wrote.
create or replace function public.delete_import(p_import uuid) returns void
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_site text;
begin
  select i.site_id into v_site from public.imports i where i.id = p_import;
  if v_site is null then
    raise exception 'no import %', p_import using errcode = 'PT404', detail = 'not_found';
  end if;
  perform private.require_import_role(v_site);
  delete from public.imports where id = p_import; -- imported_rollups: on delete cascade
end
$$;

-- A site's imports, newest first, for anyone who reads the site (members, service tokens).
-- `counted_from`: the site's first day of its own data; imported days from then on are not
-- reported (docs/imports.md, the overlap rule).
create or replace function public.imports_of(p_site text)
returns table (id uuid, format text, file_name text, status text, content_hash text,
               first_day date, last_day date, days integer, records integer,
               dimensions text[], time_zone text, created_by text, created_at timestamptz,
               completed_at timestamptz, native_from date)
language plpgsql stable security definer set search_path = '' as $$
begin
  if private.site_role(p_site) is null then
    raise exception 'site "%" not found or not readable with this token', p_site
      using errcode = '42501', detail = 'not_readable';
  end if;
  return query
    select i.id, i.format, i.file_name, i.status, i.content_hash, i.first_day, i.last_day,
      i.days, i.records, i.dimensions, i.time_zone, u.email::text, i.created_at, i.completed_at,
      private.native_first_day(p_site)
    from public.imports i left join auth.users u on u.id = i.created_by
    where i.site_id = p_site
    order by i.created_at desc;
end
$$;

-- Nobody reads or writes the tables directly but members reading their sites' imports list;
-- rows come and go through the functions above.
revoke all on public.imports, public.imported_rollups from anon, authenticated;
grant select on public.imports to authenticated;
drop policy if exists imports_member_read on public.imports;
create policy imports_member_read on public.imports for select to authenticated
  using (site_id = any ((select private.jwt_site_ids())::text[]));
