-- The live layer is a PRIVATE Realtime channel. SiteLive broadcasts each site's live messages
-- (visitors now, their pages, places and scores) on the topic `site:<id>` with private = true,
-- and Realtime delivers a private broadcast only to clients whose join these SELECT policies on
-- realtime.messages allow (Realtime Authorization; the devstack checks them the same way): a
-- dashboard token for the site, or anyone (anon) for a site with public_live. A client joining
-- the same topic as a public channel receives none of it. On a hosted project also turn off
-- "Allow public access" in the Realtime settings, so that only private channels can be joined.

create policy live_topic_read_own on realtime.messages for select to authenticated
  using (
    realtime.messages.extension = 'broadcast'
    and (select realtime.topic()) like 'site:%'
    and substr((select realtime.topic()), 6) = any ((select private.jwt_site_ids())::text[])
  );

create policy live_topic_read_public on realtime.messages for select to anon
  using (
    realtime.messages.extension = 'broadcast'
    and (select realtime.topic()) like 'site:%'
    and private.site_is_public_live(substr((select realtime.topic()), 6))
  );
