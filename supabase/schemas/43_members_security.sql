-- Row level security of the accounts tables (0009_accounts.sql) and of site settings. Writes go
-- through the functions of 05_members.sql and 06_share_links.sql, which check roles themselves;
-- the only direct write is an owner's or admin's UPDATE of their site's settings.

alter table public.site_members enable row level security;
alter table public.site_invitations enable row level security;
alter table public.share_links enable row level security;

-- Supabase's default privileges grant everything on new tables to anon and authenticated.
revoke all on public.site_members, public.site_invitations, public.share_links from anon, authenticated;

-- Members see who else is a member of their sites (their e-mail addresses: site_members_of).
grant select on public.site_members to authenticated;
drop policy if exists site_members_read on public.site_members;
create policy site_members_read on public.site_members for select to authenticated
  using (site_id = any ((select private.jwt_site_ids())::text[]));
-- Invitations and share links (whose hashes nobody reads) only through site_invitations_of and
-- share_links_of, for owners and admins.

-- Owners and admins change their sites' settings (the id and creation time never change; a
-- changed domain list reaches the Worker within its site cache's minute).
grant update (name, domains, timezone, public_live, public_dashboard, store_raw,
              respect_privacy_signals)
  on public.sites to authenticated;
drop policy if exists sites_update_admin on public.sites;
create policy sites_update_admin on public.sites for update to authenticated
  using (private.role_rank(private.site_role(id)) >= private.role_rank('admin'))
  with check (private.role_rank(private.site_role(id)) >= private.role_rank('admin'));
