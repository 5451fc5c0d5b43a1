-- Indexes for the sessions path of the reading RPCs (0003_reading.sql) when a `country` filter
-- is part of a combination the daily rollups cannot answer (a second filter, a page breakdown
-- filtered by country, ...). Without them such a read visits every session in range (in the
-- heap) to test its country: at 10 M events, 30 days with {country, device} read ~830,000
-- sessions (this range and the previous one) to keep ~18,000.

-- A country's sessions in hour order, with what the sessions path reads of them: visitor,
-- measures, session id (to look up its pages and events) and the short dimensions most often
-- combined with a country (device, browser, os, referrer class). A read filtered by country
-- and any of these is an index-only scan of that country's sessions in range. Dimensions and
-- hour never change once a session is stored (ingest_batch only moves counters, last_seen and
-- the exit page), so the key never moves.
-- Cost to ingest_batch: the measures (pageviews, engaged_ms) change with almost every flush
-- that touches a session, so no session update can be HOT any more: each writes an entry into
-- every index of sessions (~7 ms CPU per 500-event flush on the 2-core bench machine). Without
-- them a 30-day overview with {country, device} at 10 M events fetches ~18,000 sessions from
-- the heap: ~100 ms instead of ~30.
create index sessions_country on public.sessions (site_id, country, hour)
  include (session_id, visitor_id, pageviews, engaged_ms, device, browser, os, referrer_class);

-- The session's country on its page rows, so that a page breakdown filtered by country reads
-- that country's page rows in range (one index-only range scan) instead of looking up the
-- pages of every matching session. ingest_batch copies it from the stored session when it
-- inserts the row, together with the session's hour; it stays NULL for a row written before
-- its session was stored (then its hour may not be the session's either). Invariant the
-- readers rely on: a non-NULL country is the session's country, and then the row's hour is the
-- session's hour. Readers look NULL rows up per session (session_pages_unknown_country), so a
-- NULL is never wrong, only slower to read.
alter table public.session_pages add column country text;

-- Rows already stored: only where the row's hour is its session's (the invariant above).
update public.session_pages p set country = s.country
from public.sessions s
where s.site_id = p.site_id and s.session_id = p.session_id and s.hour = p.hour;

-- Whole-day page breakdowns of one country read the page@country daily rollups instead
-- (0002/0003); this index serves the rest: a country with other filters, or hours. It carries
-- no measures, so that the flushes that add page views or engaged time to a row (every
-- heartbeat does) can update it in place (HOT, with the room session_pages' fillfactor leaves):
-- ingest_batch A/B, 500-event flushes, 3-5 % less time than with pageviews and engaged_ms
-- included. Readers fetch the measures from the heap.
create index session_pages_country on public.session_pages (site_id, country, hour)
  include (session_id, path)
  where country is not null;
create index session_pages_unknown_country on public.session_pages (site_id, session_id)
  where country is null;
