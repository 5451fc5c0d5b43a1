-- Row level security. A member of a site (a Supabase Auth user in public.site_members) or a
-- service token for it (`pnpm sightline token`, claim site_ids) reads its rows and nothing else:
-- `(select private.jwt_site_ids())::text[]` (03_access.sql) in the policies is an init plan,
-- run once per statement, not per row. `anon` reads no row: a public_live site publishes only
-- its live count (37_live_count.sql), a public dashboard and share links read reports through
-- the report RPCs. Nobody but service_role (which bypasses RLS) writes these tables: there are
-- no write policies, and write privileges are revoked too; site settings are the exception
-- (43_members_security.sql).

-- Definer, so anon learns "is this site's live view public" without reading sites.
create or replace function private.site_is_public_live(p_site text) returns boolean
language sql stable security definer set search_path = '' as $$
  select coalesce((select s.public_live from public.sites s where s.id = p_site), false)
$$;
revoke execute on function private.site_is_public_live(text) from public;
grant execute on function private.site_is_public_live(text) to anon, authenticated, service_role;

alter table public.sites enable row level security;
alter table public.visitors enable row level security;
alter table public.sessions enable row level security;
alter table public.session_pages enable row level security;
alter table public.session_events enable row level security;
alter table public.rollups enable row level security;
alter table public.visitor_days enable row level security;
alter table public.daily_rollups enable row level security;
alter table public.events enable row level security;
alter table public.applied_batches enable row level security;

-- Supabase's default privileges grant everything on new tables to anon and authenticated;
-- reading is all they may do (and only what the policies below allow).
revoke insert, update, delete, truncate, references, trigger on
  public.sites, public.visitors, public.sessions, public.session_pages, public.session_events,
  public.rollups, public.visitor_days, public.daily_rollups, public.events
  from anon, authenticated;
revoke all on public.applied_batches from anon, authenticated;

drop policy if exists sites_read_own on public.sites;
create policy sites_read_own on public.sites for select to authenticated
  using (id = any ((select private.jwt_site_ids())::text[]));
drop policy if exists visitors_read_own on public.visitors;
create policy visitors_read_own on public.visitors for select to authenticated
  using (site_id = any ((select private.jwt_site_ids())::text[]));
drop policy if exists sessions_read_own on public.sessions;
create policy sessions_read_own on public.sessions for select to authenticated
  using (site_id = any ((select private.jwt_site_ids())::text[]));
drop policy if exists session_pages_read_own on public.session_pages;
create policy session_pages_read_own on public.session_pages for select to authenticated
  using (site_id = any ((select private.jwt_site_ids())::text[]));
drop policy if exists session_events_read_own on public.session_events;
create policy session_events_read_own on public.session_events for select to authenticated
  using (site_id = any ((select private.jwt_site_ids())::text[]));
drop policy if exists rollups_read_own on public.rollups;
create policy rollups_read_own on public.rollups for select to authenticated
  using (site_id = any ((select private.jwt_site_ids())::text[]));
drop policy if exists visitor_days_read_own on public.visitor_days;
create policy visitor_days_read_own on public.visitor_days for select to authenticated
  using (site_id = any ((select private.jwt_site_ids())::text[]));
drop policy if exists daily_rollups_read_own on public.daily_rollups;
create policy daily_rollups_read_own on public.daily_rollups for select to authenticated
  using (site_id = any ((select private.jwt_site_ids())::text[]));
drop policy if exists events_read_own on public.events;
create policy events_read_own on public.events for select to authenticated
  using (site_id = any ((select private.jwt_site_ids())::text[]));

-- A public_live site publishes its live count (public.live_count), nothing per visitor: anon
-- once read its visitors' rows (paths, coordinates, ids) through this policy, gone since 0008.
drop policy if exists visitors_read_public_live on public.visitors;
