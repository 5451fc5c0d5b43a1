-- Row changes of visitors reach subscribed dashboards (postgres_changes). Hosted Supabase
-- streams members of the supabase_realtime publication through logical replication and checks
-- each change against the subscriber's RLS policies; the devstack's Realtime installs change
-- triggers on the same publication's members. A plain Postgres without the publication skips.
do $$
begin
  if exists (select 1 from pg_publication where pubname = 'supabase_realtime')
     and not exists (select 1 from pg_publication_tables
                     where pubname = 'supabase_realtime' and schemaname = 'public'
                       and tablename = 'visitors') then
    alter publication supabase_realtime add table public.visitors;
  end if;
end
$$;

-- The live layer is a PRIVATE Realtime channel: SiteLive broadcasts each site's live messages
-- on the topic `site:<id>` with private = true, and Realtime delivers them only to clients
-- whose join the SELECT policies on realtime.messages allow (42_live_access.sql). A client
-- joining the same topic as a public channel receives none of it. On a hosted project also turn
-- off "Allow public access" in the Realtime settings, so that only private channels can be joined.

-- Read the site_ids claim alone (any token minted with the JWT secret); 42_live_access.sql
-- authorises from membership and short-lived passes instead.
drop policy if exists live_topic_read_own on realtime.messages;

-- Anon joined a public_live site's topic once; it carries every visitor and event of the live
-- feed, so a public site publishes its count instead (37_live_count.sql). Gone since 0008.
drop policy if exists live_topic_read_public on realtime.messages;
