-- Privacy defaults: the per-site opt-out of Global Privacy Control / Do Not Track, and how long
-- visitor-level rows are kept. The tables only; what reads them (public.apply_retention,
-- public.live_count, the policies a public site no longer has) is state in supabase/schemas.

-- 1. Global Privacy Control / Do Not Track. The ingest Worker drops beacons sent with
--    `Sec-GPC: 1` or `DNT: 1` (answered like accepted ones) unless the site opts out here,
--    e.g. because it records consent of its own.
alter table public.sites
  add column if not exists respect_privacy_signals boolean not null default true;

-- 2. Retention. Aggregates (rollups, daily_rollups) carry no visitor and are kept; every table
--    with a visitor or session id, and the idempotency log, is cut after its period below by
--    `public.apply_retention()` (schemas/50_retention.sql), which the ingest Worker's Cron
--    Trigger calls daily (wrangler.jsonc `triggers.crons`). Operators may change a period with
--    an UPDATE.
create table if not exists private.retention (
  table_name text primary key,
  -- The column compared with now() - keep.
  time_column text not null,
  keep interval not null check (keep >= interval '1 day'),
  why text not null
);
revoke all on private.retention from public, anon, authenticated;

insert into private.retention (table_name, time_column, keep, why) values
  ('applied_batches', 'applied_at', interval '30 days',
   'idempotency of flushes: a SiteLive outbox retries within minutes of the database answering'),
  ('events', 'at', interval '90 days',
   'raw events (local and self-hosted; production keeps them in Analytics Engine)'),
  ('sessions', 'last_seen', interval '400 days',
   'visit-level rows for filtered reports; 400 days = the tracker''s 365-day visitor id plus a margin'),
  ('session_pages', 'hour', interval '400 days', 'pages of those sessions'),
  ('session_events', 'hour', interval '400 days', 'custom events of those sessions'),
  ('visitor_days', 'day', interval '400 days',
   'per-visitor activity days for exact uniques; older days cannot chain to a live visitor id'),
  ('visitors', 'last_seen', interval '400 days',
   'the visitor''s latest state; a visitor silent this long is gone from the tracker too')
on conflict (table_name) do nothing;
