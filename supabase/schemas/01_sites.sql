-- A CHECK may not query pg_timezone_names; a trigger may. Rollup buckets depend on the zone.
create or replace function private.check_site_timezone() returns trigger
language plpgsql as $$
begin
  if not exists (select 1 from pg_timezone_names where name = new.timezone) then
    raise exception 'unknown time zone: %', new.timezone using errcode = '22023';
  end if;
  return new;
end
$$;
create or replace trigger sites_timezone before insert or update of timezone on public.sites
  for each row execute function private.check_site_timezone();

-- The tables ingest_batch writes carry no foreign key to sites: a per-row FK check (a
-- `select … for key share` on the site row) on every new session, visitor, rollup and
-- visitor-day row was a large share of ingest_batch's time, and ingest_batch only writes rows
-- of existing sites (it joins sites). Deleting a site deletes them here instead of by cascade.
-- (Goals, funnels and content groups, which only people write, go by foreign key.)
create or replace function private.delete_site_rows() returns trigger
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
  delete from public.event_log where site_id = old.id;
  delete from public.page_scroll where site_id = old.id;
  return old;
end
$$;

create or replace trigger sites_cleanup after delete on public.sites
  for each row execute function private.delete_site_rows();
