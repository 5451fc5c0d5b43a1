-- Property rollups: the properties of custom events as keys of daily rollups (docs/conversions.md,
-- "How fast"). The tables only; ingest_batch keeps them for the events a flush adds and a site's
-- rows are built from the raw rows still retained by public.build_property_rollups
-- (supabase/schemas/38_property_rollups.sql). Rows go with their site. Only the report RPCs
-- (security definer) read them: RLS on, no policy.

-- Per site, custom event name, property key, value (as stats_properties shows it) and local day
-- of the event's session: events, revenue per currency, and exact unique visitors for any range
-- of whole days, kept as goal_daily keeps them (new_visitors: first day the visitor had such an
-- event; returning_by_gap[k]: had one that day and the previous such day is at least k days
-- before).
create table if not exists public.property_daily (
  site_id text not null references public.sites (id) on delete cascade,
  event_name text not null,
  key text not null,
  value text not null,
  day date not null,
  events bigint not null default 0,
  revenue jsonb not null default '{}',
  new_visitors integer not null default 0,
  returning_by_gap integer[] not null default '{}',
  primary key (site_id, event_name, day, key, value)
);

-- Per site, visitor and local day: the (event name, key, value) triples the visitor had events
-- with that day and how many ({ "[\"purchase\",\"plan\",\"pro\"]": 2 }). Events are only added
-- (retention drops whole days), so a triple becomes active on a day once and the unique counts
-- of property_daily change through the chain "active day -> previous active day" as for
-- goal_visitor_days.
create table if not exists public.property_visitor_days (
  site_id text not null references public.sites (id) on delete cascade,
  visitor_id text not null,
  day date not null,
  keys jsonb not null,
  primary key (site_id, visitor_id, day)
);

-- The sites whose rows are complete (built from the raw rows, or created with the rollups): the
-- reports read property_daily only for them, and flushes keep only theirs.
create table if not exists public.property_rollup_builds (
  site_id text primary key references public.sites (id) on delete cascade,
  built_at timestamptz not null default now()
);

alter table public.property_daily enable row level security;
alter table public.property_visitor_days enable row level security;
alter table public.property_rollup_builds enable row level security;

insert into private.retention (table_name, time_column, keep, why) values
  ('property_visitor_days', 'day', interval '400 days',
   'per-visitor days of event properties for exact unique visitors, as visitor_days')
on conflict (table_name) do nothing;
