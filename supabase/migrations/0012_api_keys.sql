-- API keys of the Stats API: one site each, created, listed and revoked by the site's owners and
-- admins (functions and policies: schemas/07_api_keys.sql). The key is shown once at creation;
-- only its SHA-256 is stored, with a short prefix to tell keys apart in a list.
create table public.site_api_keys (
  id uuid primary key default gen_random_uuid(),
  site_id text not null references public.sites (id) on delete cascade,
  name text not null check (length(name) between 1 and 100),
  key_hash bytea not null unique check (length(key_hash) = 32),
  prefix text not null,
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);
create index site_api_keys_site on public.site_api_keys (site_id, created_at);
alter table public.site_api_keys enable row level security;
