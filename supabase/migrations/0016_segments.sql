-- Saved segments: a site's named filter sets, as the dashboard's filter bar builds them and the
-- Stats API takes them (`[operator, dimension, values]` conditions combined with AND). The
-- table only; who reads and changes them, and the checks on their content, are in
-- schemas/08_segments.sql.
create table public.segments (
  id uuid primary key default gen_random_uuid(),
  site_id text not null references public.sites (id) on delete cascade,
  name text not null check (length(name) between 1 and 80),
  filters jsonb not null check (jsonb_typeof(filters) = 'array'),
  -- The member who saved it (null for a service token, or once the user is deleted).
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
-- One name per site, whatever its case: the filter bar lists segments by name.
create unique index segments_site_name on public.segments (site_id, lower(name));
alter table public.segments enable row level security;
