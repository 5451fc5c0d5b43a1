-- Sightline's tables. Reports read rollups and the per-day unique-visitor chains; sessions,
-- session_pages and session_events are the exact fallback for filter combinations the rollups
-- cannot answer; events is the raw store where Analytics Engine is absent (local, self-hosted).
-- Every time bucket is the SITE's local hour/day, so day buckets start at local midnight.

create schema if not exists private;
grant usage on schema private to anon, authenticated, service_role;

create table public.sites (
  id text primary key check (id ~ '^[A-Za-z0-9_-]{1,64}$'),
  name text not null,
  -- Origins/hosts the tracker may send from (checked by the Worker).
  domains text[] not null default '{}',
  -- Anyone (anon) may read the live visitors of this site: the public live badge.
  public_live boolean not null default false,
  timezone text not null default 'UTC',
  -- Keep raw events in public.events (local and self-hosted; production uses Analytics Engine).
  store_raw boolean not null default false,
  created_at timestamptz not null default now()
);

-- A CHECK may not query pg_timezone_names; a trigger may. Rollup buckets depend on the zone.
create function private.check_site_timezone() returns trigger
language plpgsql as $$
begin
  if not exists (select 1 from pg_timezone_names where name = new.timezone) then
    raise exception 'unknown time zone: %', new.timezone using errcode = '22023';
  end if;
  return new;
end
$$;
create trigger sites_timezone before insert or update of timezone on public.sites
  for each row execute function private.check_site_timezone();

-- The tables ingest_batch writes carry no foreign key to sites: a per-row FK check (a
-- `select … for key share` on the site row) on every new session, visitor, rollup and
-- visitor-day row was a large share of ingest_batch's time, and ingest_batch only writes rows
-- of existing sites (it joins sites). Deleting a site deletes them here instead of by cascade.
create function private.delete_site_rows() returns trigger
language plpgsql as $$
begin
  delete from public.visitors where site_id = old.id;
  delete from public.sessions where site_id = old.id;
  delete from public.session_pages where site_id = old.id;
  delete from public.session_events where site_id = old.id;
  delete from public.rollups where site_id = old.id;
  delete from public.daily_rollups where site_id = old.id;
  delete from public.visitor_days where site_id = old.id;
  delete from public.events where site_id = old.id;
  return old;
end
$$;

create table public.visitors (
  site_id text not null, -- no FK: see sites_cleanup
  visitor_id text not null,
  first_seen timestamptz not null,
  last_seen timestamptz not null,
  last_path text not null default '',
  -- Counters derived from the visitor's sessions (the difference each merge applied).
  sessions bigint not null default 0,
  pageviews bigint not null default 0,
  engaged_ms bigint not null default 0,
  max_scroll integer not null default 0,
  interactions bigint not null default 0,
  value_score integer not null default 0,
  country text not null default '',
  region text not null default '',
  city text not null default '',
  latitude double precision,
  longitude double precision,
  device text not null default '',
  browser text not null default '',
  os text not null default '',
  first_referrer_host text not null default '',
  first_referrer_class text not null default '',
  utm_source text not null default '',
  utm_medium text not null default '',
  utm_campaign text not null default '',
  primary key (site_id, visitor_id)
);
create index visitors_live on public.visitors (site_id, last_seen desc);

create table public.sessions (
  site_id text not null, -- no FK: see sites_cleanup
  session_id text not null,
  visitor_id text not null,
  -- Local hour bucket of started_at: the whole session is reported in this bucket.
  hour timestamptz not null,
  started_at timestamptz not null,
  last_seen timestamptz not null,
  entry_path text not null,
  exit_path text not null,
  pageviews integer not null default 0,
  engaged_ms bigint not null default 0,
  max_scroll integer not null default 0,
  interactions integer not null default 0,
  referrer_host text not null default '',
  referrer_class text not null default '',
  utm_source text not null default '',
  utm_medium text not null default '',
  utm_campaign text not null default '',
  country text not null default '',
  region text not null default '',
  city text not null default '',
  latitude double precision,
  longitude double precision,
  device text not null default '',
  browser text not null default '',
  os text not null default '',
  returning_visitor boolean not null default false,
  -- Epochs: a Worker that lost a session's state (swept after a day without activity, e.g. a
  -- tab restored the next day, or a session moved to another live shard) sends running totals
  -- that start again from 0, with a later start. Such a state's totals are added to what was
  -- stored when its epoch began (base_*), so the activity after it is counted, not swallowed by
  -- GREATEST. NULL: the session's first epoch (started_at).
  epoch_started_at timestamptz,
  base_pageviews integer not null default 0,
  base_engaged_ms bigint not null default 0,
  base_interactions integer not null default 0,
  primary key (site_id, session_id)
);
create index sessions_hour on public.sessions (site_id, hour) include (visitor_id);

-- One row per (session, page viewed): page visits, and the exact path for page filters.
create table public.session_pages (
  site_id text not null, -- no FK: see sites_cleanup
  session_id text not null,
  path text not null,
  visitor_id text not null,
  hour timestamptz not null,
  pageviews integer not null default 0,
  engaged_ms bigint not null default 0,
  primary key (site_id, session_id, path)
)
-- Heartbeats update a page row again and again: room on its page keeps those updates HOT (no
-- new index entries; 0007_read_paths.sql keeps the measures out of its index for the same reason).
with (fillfactor = 85);

-- One row per (session, custom event name).
create table public.session_events (
  site_id text not null, -- no FK: see sites_cleanup
  session_id text not null,
  name text not null,
  visitor_id text not null,
  hour timestamptz not null,
  events integer not null default 0,
  primary key (site_id, session_id, name)
);

-- Additive hourly rollups per dimension. dimension '' (value '') is the site total.
create table public.rollups (
  site_id text not null, -- no FK: see sites_cleanup
  dimension text not null,
  value text not null,
  hour timestamptz not null,
  visits bigint not null default 0,
  pageviews bigint not null default 0,
  bounces bigint not null default 0,
  engaged_ms bigint not null default 0,
  primary key (site_id, dimension, hour, value)
);

-- Which keys each visitor was active with, per local day: one row per (visitor, day), so a new
-- session writes one row, not one per dimension. dims maps key -> hits, where a key is the
-- dimension's letter (private.dimension_of: a = site total, b = page, c = entry_page, ...,
-- p = event, q = a page within a country) followed by the value (for q: the country, E'\x1f'
-- and the path), and hits counts sessions (for pages: sessions that viewed the page; for
-- events: sessions with the event). A key is present while hits > 0 (exit pages
-- move); a row exists while it has a key. Only ingest_batch reads it: to find, for a key that
-- becomes active or inactive on a day, the visitor's previous and next active day with it.
create table public.visitor_days (
  site_id text not null, -- no FK: see sites_cleanup
  visitor_id text not null,
  day date not null,
  dims jsonb not null,
  primary key (site_id, visitor_id, day)
);

-- Daily rollups per dimension (local days; besides the dimensions of rollups, 'page@<country>':
-- the pages of one country's sessions, for page breakdowns filtered by country and overviews
-- filtered by a country and a page): the additive measures again, plus what makes unique
-- visitors exact for any range of whole days [d1, d2) as a sum over one row per day:
--   visitors(d1, d2) = sum over days d in [d1, d2) of
--                      new_visitors(d) + returning_by_gap(d)[d - d1 + 1]
-- because a visitor is counted once, on its first active day in the range, i.e. the day whose
-- previous active day (for this dimension value) lies before d1: never (new_visitors) or at
-- least d - d1 + 1 days earlier. returning_by_gap[k] counts the visitors active on the day whose
-- previous active day was k or more days before (cumulative; missing entries are 0).
-- Maintained from visitor_days by ingest_batch.
create table public.daily_rollups (
  site_id text not null, -- no FK: see sites_cleanup
  dimension text not null,
  value text not null,
  day date not null,
  visits bigint not null default 0,
  pageviews bigint not null default 0,
  bounces bigint not null default 0,
  engaged_ms bigint not null default 0,
  new_visitors integer not null default 0,
  returning_by_gap integer[] not null default '{}',
  primary key (site_id, dimension, day, value)
);
create index daily_rollups_value on public.daily_rollups (site_id, dimension, value, day);

-- Raw events (when the flush says store_raw).
create table public.events (
  site_id text not null, -- no FK: see sites_cleanup
  id text not null,
  type text not null,
  at timestamptz not null,
  session_id text not null,
  visitor_id text not null,
  path text not null,
  name text not null default '',
  props jsonb,
  referrer_host text not null default '',
  referrer_class text not null default '',
  utm_source text not null default '',
  utm_medium text not null default '',
  utm_campaign text not null default '',
  country text not null default '',
  region text not null default '',
  city text not null default '',
  latitude double precision,
  longitude double precision,
  device text not null default '',
  browser text not null default '',
  os text not null default '',
  engaged_ms integer not null default 0,
  scroll integer not null default 0,
  interactions integer not null default 0,
  primary key (site_id, id)
);

-- Flushes already applied: makes ingest_batch idempotent under the Worker's retries.
create table public.applied_batches (
  batch_id text primary key,
  applied_at timestamptz not null default now(),
  result jsonb not null
);

create trigger sites_cleanup after delete on public.sites
  for each row execute function private.delete_site_rows();
