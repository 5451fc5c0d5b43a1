-- Accounts: sites are owned by Supabase Auth users through memberships (owner, admin, viewer),
-- people are invited by e-mail, and a site can be shared read-only by revocable links or made
-- public. The tables only; who may read and change them (RLS, the RPCs that write them, the
-- Realtime policies) is state in supabase/schemas (03_access.sql, 05_members.sql,
-- 06_share_links.sql, 40_security.sql, 42_live_access.sql).

-- Anyone may read the reports of this site (not who is on it now: that stays the live count of
-- public_live). Like Plausible's public dashboards.
alter table public.sites
  add column if not exists public_dashboard boolean not null default false;

-- Who may read and manage a site. owner: everything, deleting the site and managing owners
-- included; admin: settings, members other than owners, share links; viewer: reading.
create table public.site_members (
  site_id text not null references public.sites (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  role text not null check (role in ('owner', 'admin', 'viewer')),
  created_at timestamptz not null default now(),
  primary key (site_id, user_id)
);
-- A user's sites (every RLS check starts from auth.uid()).
create index site_members_user on public.site_members (user_id, site_id);

-- Invitations by e-mail address: pending until a user who has confirmed that address signs in,
-- then accepted for them (public.accept_invitations) and kept as a record.
create table public.site_invitations (
  id uuid primary key default gen_random_uuid(),
  site_id text not null references public.sites (id) on delete cascade,
  -- Lower case: Auth compares addresses case-insensitively.
  email text not null check (email = lower(email) and length(email) <= 320 and email like '_%@_%'),
  role text not null check (role in ('owner', 'admin', 'viewer')),
  invited_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  accepted_at timestamptz,
  accepted_by uuid references auth.users (id) on delete set null
);
-- One pending invitation per site and address (inviting again updates it).
create unique index site_invitations_pending on public.site_invitations (site_id, email)
  where accepted_at is null;
create index site_invitations_email on public.site_invitations (email) where accepted_at is null;

-- Read-only links to a site's dashboard. The link's secret is never stored: only its SHA-256
-- (a random 256-bit secret needs no slow hash), and the optional password as a bcrypt hash
-- (pgcrypto's crypt with gen_salt('bf')).
create table public.share_links (
  id uuid primary key default gen_random_uuid(),
  site_id text not null references public.sites (id) on delete cascade,
  label text not null default '' check (length(label) <= 200),
  token_hash bytea not null unique check (length(token_hash) = 32),
  password_hash text,
  has_password boolean generated always as (password_hash is not null) stored,
  -- Report cards (and 'live') a viewer of this link does not see: refused by the database too.
  hidden_reports text[] not null default '{}',
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  expires_at timestamptz,
  revoked_at timestamptz,
  last_used_at timestamptz
);
create index share_links_site on public.share_links (site_id, created_at);
