import type pg from 'pg';

/** NOTIFY channels between the database and the Realtime server. */
export const CHANGES_CHANNEL = 'sightline_realtime';
export const DDL_CHANNEL = 'sightline_realtime_ddl';
export const BROADCAST_CHANNEL = 'sightline_realtime_broadcast';

/**
 * Change capture without logical replication: a row trigger on every member table of the
 * `supabase_realtime` publication NOTIFYs the change; an event trigger keeps the triggers in
 * step with the publication, so `alter publication supabase_realtime add table …` needs no
 * other step. pg_notify payloads must stay under 8,000 bytes, so a larger change is parked in
 * an overflow table and only its id is sent. Also provides Supabase's `realtime.send()`.
 */
const REALTIME_SQL = String.raw`
create schema if not exists sightline_realtime;
revoke all on schema sightline_realtime from public;

create table if not exists sightline_realtime.overflow (
  id bigserial primary key,
  payload jsonb not null,
  created_at timestamptz not null default now()
);

-- Sends one captured change as changes.ts's CapturedChange: r the new row (not for DELETE), o
-- the old one where it goes out (DELETE, and UPDATE under row capture).
create or replace function sightline_realtime.notify_change(op text, schema_name text,
                                                            table_name text, r jsonb, o jsonb)
returns void
language plpgsql security definer set search_path = '' as $$
declare
  message jsonb := jsonb_build_object(
    's', schema_name, 't', table_name, 'op', op,
    'ts', to_char(clock_timestamp() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    'r', r, 'o', o);
  body text := message::text;
  parked bigint;
begin
  -- pg_notify rejects payloads of 8,000 bytes or more (SQLSTATE 22023).
  if octet_length(body) > 7900 then
    insert into sightline_realtime.overflow (payload) values (message) returning id into parked;
    body := jsonb_build_object('x', parked)::text;
  end if;
  perform pg_notify('${CHANGES_CHANNEL}', body);
end
$$;

-- Statement-level capture, the default: one trigger call per statement (a 400-row upsert made
-- 400 calls of a row trigger before), with the statement's rows from its transition table
-- (new_rows for INSERT and UPDATE, old_rows for DELETE), in the order they were written. An
-- update's old row is left out: subscribers get its primary key, which the server takes from
-- the new row. Serialising a wide row is most of the remaining cost.
create or replace function sightline_realtime.capture_rows() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  -- changed.*: the whole row even where a column is named like the alias.
  if TG_OP = 'DELETE' then
    perform sightline_realtime.notify_change(TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME, null,
                                             to_jsonb(changed.*))
    from old_rows changed;
  else
    perform sightline_realtime.notify_change(TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME,
                                             to_jsonb(changed.*), null)
    from new_rows changed;
  end if;
  return null;
end
$$;

-- Row-level capture, for the tables whose subscribers receive an update's old row whole
-- (REPLICA IDENTITY FULL without RLS; a statement's transition tables do not pair old and new
-- rows), and where a table cannot have transition tables.
create or replace function sightline_realtime.capture() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  perform sightline_realtime.notify_change(TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME,
    case when TG_OP <> 'DELETE' then to_jsonb(NEW) end,
    case when TG_OP <> 'INSERT' then to_jsonb(OLD) end);
  return null;
end
$$;

create or replace function sightline_realtime.sync_triggers() returns void
language plpgsql security definer set search_path = '' as $$
declare
  target regclass;
  wants_old boolean;
  trigger_name text;
begin
  -- Members without the capture their table needs: row capture where an update's old row goes
  -- out whole (REPLICA IDENTITY and RLS are ALTER TABLE, which runs this again), statement
  -- capture elsewhere.
  for target, wants_old in
    select c.oid::regclass, w.wants_old
    from pg_catalog.pg_publication_tables pt
    join pg_catalog.pg_namespace n on n.nspname = pt.schemaname
    join pg_catalog.pg_class c on c.relnamespace = n.oid and c.relname = pt.tablename
    cross join lateral (select c.relreplident = 'f' and not c.relrowsecurity as wants_old) w
    where pt.pubname = 'supabase_realtime'
      -- Never capture our own overflow table (a FOR ALL TABLES publication would loop).
      and pt.schemaname <> 'sightline_realtime'
      and not exists (
        select 1 from pg_catalog.pg_trigger t
        where t.tgrelid = c.oid
          and t.tgname in ('sightline_realtime_capture', 'sightline_realtime_capture_update')
          and (t.tgname = 'sightline_realtime_capture') = w.wants_old
      )
  loop
    for trigger_name in
      select t.tgname from pg_catalog.pg_trigger t
      where t.tgrelid = target and t.tgname like 'sightline\_realtime\_capture%'
    loop
      execute pg_catalog.format('drop trigger %I on %s', trigger_name, target);
    end loop;
    if not wants_old then
      begin
        execute pg_catalog.format(
          'create trigger sightline_realtime_capture_insert after insert on %s '
          'referencing new table as new_rows for each statement '
          'execute function sightline_realtime.capture_rows()', target);
        execute pg_catalog.format(
          'create trigger sightline_realtime_capture_update after update on %s '
          'referencing new table as new_rows for each statement '
          'execute function sightline_realtime.capture_rows()', target);
        execute pg_catalog.format(
          'create trigger sightline_realtime_capture_delete after delete on %s '
          'referencing old table as old_rows for each statement '
          'execute function sightline_realtime.capture_rows()', target);
        continue;
      exception when feature_not_supported then
        null; -- no transition tables here (a partition): row capture
      end;
    end if;
    execute pg_catalog.format(
      'create trigger sightline_realtime_capture after insert or update or delete on %s '
      'for each row execute function sightline_realtime.capture()', target);
  end loop;
  for target, trigger_name in
    select t.tgrelid::regclass, t.tgname
    from pg_catalog.pg_trigger t
    join pg_catalog.pg_class c on c.oid = t.tgrelid
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    where t.tgname like 'sightline\_realtime\_capture%'
      and not exists (
        select 1 from pg_catalog.pg_publication_tables pt
        where pt.pubname = 'supabase_realtime' and pt.schemaname = n.nspname and pt.tablename = c.relname
      )
  loop
    execute pg_catalog.format('drop trigger %I on %s', trigger_name, target);
  end loop;
end
$$;

create or replace function sightline_realtime.on_ddl() returns event_trigger
language plpgsql as $$
begin
  perform sightline_realtime.sync_triggers();
  perform pg_notify('${DDL_CHANNEL}', '');
end
$$;

drop event trigger if exists sightline_realtime_ddl;
create event trigger sightline_realtime_ddl on ddl_command_end
  when tag in ('CREATE PUBLICATION', 'ALTER PUBLICATION', 'DROP PUBLICATION', 'CREATE TABLE', 'CREATE TABLE AS', 'SELECT INTO', 'ALTER TABLE')
  execute function sightline_realtime.on_ddl();

-- Authorises a batch of checks in one round trip. Each check is a query over a JSON array of
-- rows that returns the (1-based) positions of the rows the claimed role can see; it runs as
-- that role with request.jwt.claims set, as PostgREST runs a request, so RLS decides. The
-- caller sorts checks by claims so the role is switched once per subscriber identity.
create or replace function sightline_realtime.visible_rows(queries text[], args jsonb[], claims jsonb[])
returns jsonb language plpgsql as $$
declare
  result jsonb := '[]';
  current_claims jsonb;
  claimed_role text;
  role_allowed boolean := false;
  positions int[];
begin
  for i in 1 .. coalesce(pg_catalog.array_length(queries, 1), 0) loop
    if i = 1 or current_claims is distinct from claims[i] then
      current_claims := claims[i];
      claimed_role := current_claims ->> 'role';
      perform pg_catalog.set_config('role', 'none', true);
      -- Only roles PostgREST could switch to (members of authenticator) are honoured.
      role_allowed := claimed_role is not null
        and exists (select 1 from pg_catalog.pg_roles where rolname = claimed_role)
        and pg_catalog.pg_has_role('authenticator', claimed_role, 'MEMBER');
      if role_allowed then
        perform pg_catalog.set_config('request.jwt.claims', current_claims::text, true);
        perform pg_catalog.set_config('role', claimed_role, true);
      end if;
    end if;
    positions := '{}';
    if role_allowed then
      begin
        execute queries[i] into positions using args[i];
      exception when others then
        positions := '{}';
      end;
    end if;
    result := result || pg_catalog.jsonb_build_array(pg_catalog.to_jsonb(coalesce(positions, '{}')));
  end loop;
  perform pg_catalog.set_config('role', 'none', true);
  perform pg_catalog.set_config('request.jwt.claims', '', true);
  return result;
end
$$;
revoke all on function sightline_realtime.visible_rows(text[], jsonb[], jsonb[]) from public;

-- Supabase's database broadcast entry points, delivered through the local Realtime server.
create schema if not exists realtime;
grant usage on schema realtime to anon, authenticated, service_role;
create or replace function realtime.send(payload jsonb, event text, topic text, private boolean default true)
returns void language plpgsql security definer set search_path = '' as $$
begin
  perform pg_notify('${BROADCAST_CHANNEL}', pg_catalog.jsonb_build_object(
    'topic', topic, 'event', event, 'payload', payload, 'private', private)::text);
end
$$;
grant execute on function realtime.send(jsonb, text, text, boolean) to anon, authenticated, service_role;

-- Private channels are authorised as on hosted Realtime: by RLS policies on realtime.messages,
-- which may call realtime.topic(). A probe row is inserted, read back as the claimed role, and
-- rolled back.
create table if not exists realtime.messages (
  id bigserial primary key,
  topic text not null,
  extension text not null,
  payload jsonb,
  event text,
  private boolean default false,
  inserted_at timestamp not null default now(),
  updated_at timestamp not null default now()
);
alter table realtime.messages enable row level security;
grant select, insert, update, delete on realtime.messages to anon, authenticated, service_role;
grant usage, select on sequence realtime.messages_id_seq to anon, authenticated, service_role;
create or replace function realtime.topic() returns text language sql stable as $$
  select nullif(pg_catalog.current_setting('realtime.topic', true), '')::text
$$;
grant execute on function realtime.topic() to anon, authenticated, service_role;

create or replace function sightline_realtime.can_read_topic(p_claims jsonb, p_topic text) returns boolean
language plpgsql as $$
declare
  claimed_role text := p_claims ->> 'role';
  probe bigint;
  ok boolean := false;
begin
  if claimed_role is null
    or not exists (select 1 from pg_catalog.pg_roles where rolname = claimed_role)
    or not pg_catalog.pg_has_role('authenticator', claimed_role, 'MEMBER') then
    return false;
  end if;
  begin
    insert into realtime.messages (topic, extension, private) values (p_topic, 'broadcast', true) returning id into probe;
    perform pg_catalog.set_config('request.jwt.claims', p_claims::text, true);
    perform pg_catalog.set_config('realtime.topic', p_topic, true);
    perform pg_catalog.set_config('role', claimed_role, true);
    select exists (select 1 from realtime.messages m where m.id = probe) into ok;
    -- Undo the probe row and the settings; plpgsql variables keep their values.
    raise exception using errcode = 'P0001', message = 'sightline_realtime probe rollback';
  exception when others then
    null;
  end;
  return coalesce(ok, false);
end
$$;
revoke all on function sightline_realtime.can_read_topic(jsonb, text) from public;

select sightline_realtime.sync_triggers();
`;

export async function installRealtimeSql(client: pg.Client): Promise<void> {
  await client.query(REALTIME_SQL);
}
