import type pg from 'pg';
import { AUTH_SQL } from './auth/schema.js';
import { INBOX_SQL } from './inbox/store.js';

/**
 * Makes a fresh cluster look like a Supabase project to migrations, PostgREST and tests: the
 * same roles, `auth` schema (see auth/schema.ts), `extensions` schema, grants, default privileges and the empty
 * `supabase_realtime` publication. Idempotent: it runs on every start.
 */
const BOOTSTRAP_SQL = String.raw`
do $$
begin
  if not exists (select from pg_roles where rolname = 'anon') then
    create role anon nologin noinherit;
  end if;
  if not exists (select from pg_roles where rolname = 'authenticated') then
    create role authenticated nologin noinherit;
  end if;
  if not exists (select from pg_roles where rolname = 'service_role') then
    create role service_role nologin noinherit bypassrls;
  end if;
  if not exists (select from pg_roles where rolname = 'authenticator') then
    create role authenticator login noinherit;
  end if;
end
$$;
grant anon, authenticated, service_role to authenticator;

create schema if not exists extensions;
grant usage on schema extensions to anon, authenticated, service_role;
create extension if not exists pgcrypto with schema extensions;
create extension if not exists "uuid-ossp" with schema extensions;

-- Supabase's search path, so unqualified extension functions (gen_random_bytes, uuid_generate_v4) resolve.
alter database postgres set search_path = "$user", public, extensions;
alter role postgres set search_path = "$user", public, extensions;

grant usage on schema public to anon, authenticated, service_role;
grant all on all tables in schema public to anon, authenticated, service_role;
grant all on all sequences in schema public to anon, authenticated, service_role;
grant all on all functions in schema public to anon, authenticated, service_role;
alter default privileges for role postgres in schema public grant all on tables to anon, authenticated, service_role;
alter default privileges for role postgres in schema public grant all on sequences to anon, authenticated, service_role;
alter default privileges for role postgres in schema public grant all on functions to anon, authenticated, service_role;

do $$
begin
  if not exists (select from pg_publication where pubname = 'supabase_realtime') then
    create publication supabase_realtime;
  end if;
end
$$;

-- Supabase CLI's migration history table.
create schema if not exists supabase_migrations;
create table if not exists supabase_migrations.schema_migrations (
  version text primary key,
  name text,
  statements text[]
);
`;

export async function bootstrapDatabase(
  client: pg.Client,
  authenticatorPassword: string,
): Promise<void> {
  await client.query(BOOTSTRAP_SQL);
  await client.query(AUTH_SQL);
  await client.query(INBOX_SQL);
  // The password changes only with the data directory; ALTER ROLE takes no bind parameters.
  await client.query(
    `alter role authenticator with login password ${client.escapeLiteral(authenticatorPassword)}`,
  );
}
