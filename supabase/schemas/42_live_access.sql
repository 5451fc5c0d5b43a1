-- Who may join a site's live topic `site:<id>` (a private channel: 41_realtime.sql): a member,
-- a service token for the site, or an open share link that shows the live view
-- (private.can_watch_live, 03_access.sql) — with a token that expires within two minutes.
-- Hosted Realtime evaluates these policies when a channel is joined and again only when the
-- client refreshes its token (an unchanged token is not checked again; an expired one closes
-- the channel). So dashboards watch with passes the ingest Worker mints for a minute and renews
-- (POST /v1/live-pass, POST /v1/share/pass): a removed member or a revoked link is refused at
-- the next renewal, which private.announce_access_change asks for at once, and a client that
-- does not renew is closed when its pass expires. A user's own access token (an hour by
-- default) cannot hold a live channel open past that.

-- The caller's token expires within private.live_token_max_seconds().
create or replace function private.live_token_is_short() returns boolean
language sql stable as $$
  select coalesce((
    select (c ->> 'exp')::numeric <= extract(epoch from now()) + private.live_token_max_seconds()
    from (select auth.jwt() as c) j
    where jsonb_typeof(c -> 'exp') = 'number'), false)
$$;

drop policy if exists live_topic_read on realtime.messages;
create policy live_topic_read on realtime.messages for select to anon, authenticated
  using (
    realtime.messages.extension = 'broadcast'
    and (select realtime.topic()) like 'site:%'
    and (select private.live_token_is_short())
    and (select private.can_watch_live(substr((select realtime.topic()), 6)))
  );
