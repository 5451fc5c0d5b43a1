-- Imported history: analytics exports (Plausible, Umami, Sightline's own) read by
-- @sightline/import and written by the import RPCs (schemas/21_imports.sql). The tables only.
--
-- Imported figures are daily aggregates without visitors behind them, so they live beside the
-- native daily rollups rather than in them: `daily_rollups` keeps exact unique visitors
-- (new_visitors, returning_by_gap, maintained by ingest_batch from visitor_days), which
-- imported rows cannot have, and an import deleted later must take exactly its own rows away.
-- The report RPCs add the committed imports' rows to their daily-rollup path.

-- One row per import of a file into a site. Rows are written while `status` is 'staging' (no
-- report reads them) and become visible together when the import is committed.
create table public.imports (
  id uuid primary key default gen_random_uuid(),
  site_id text not null references public.sites (id) on delete cascade,
  -- The export's format (@sightline/import's summary.format): known once it has been read.
  format text check (format in ('plausible', 'umami', 'sightline')),
  file_name text not null check (length(file_name) between 1 and 255),
  status text not null default 'staging' check (status in ('staging', 'complete')),
  -- @sightline/import's summary.contentHash (SHA-256 of the records): set at commit.
  content_hash text check (content_hash ~ '^[0-9a-f]{64}$'),
  first_day date,
  last_day date,
  days integer not null default 0,
  records integer not null default 0,
  dimensions text[] not null default '{}',
  time_zone text,
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  completed_at timestamptz,
  check (status = 'staging' or (content_hash is not null and format is not null))
);
create index imports_site on public.imports (site_id, created_at);
-- Importing the same data twice into a site is recognised by its content hash.
create unique index imports_site_content on public.imports (site_id, content_hash)
  where status = 'complete';
alter table public.imports enable row level security;

-- The daily figures of an import: a site total (dimension '', value '') or one value of a
-- report dimension per local day, with the measures the export holds (null: not held).
-- `events` is how often a custom event fired (dimension 'event'); `visit_duration_ms` is the
-- total visit duration, which reports use as engaged time where the export has no engaged time.
create table public.imported_rollups (
  import_id uuid not null references public.imports (id) on delete cascade,
  site_id text not null,
  dimension text not null,
  value text not null,
  day date not null,
  visitors bigint check (visitors >= 0),
  visits bigint check (visits >= 0),
  pageviews bigint check (pageviews >= 0),
  bounces bigint check (bounces >= 0),
  engaged_ms bigint check (engaged_ms >= 0),
  visit_duration_ms bigint check (visit_duration_ms >= 0),
  events bigint check (events >= 0),
  primary key (import_id, dimension, value, day)
);
-- The reports' lookup: one site's rows of a dimension (and value) over a range of days.
create index imported_rollups_read on public.imported_rollups (site_id, dimension, value, day);
alter table public.imported_rollups enable row level security;
