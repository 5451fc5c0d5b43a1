-- The object form of a flush (IngestBatch: one object per row, several sites allowed), as the
-- compact wire form ingest_batch applies. Why it lives here as well as in the Worker
-- (toIngestWire): the database is upgraded first (docs/deploy.md), so a Worker from before the
-- wire form may still send the object form until it is redeployed. (Batches an older Worker
-- left in a Durable Object's outbox are object form too; the Worker converts those itself
-- when it sends them.) Tests and scripts send it as well.
--
-- The object form's rows of one site, in the compact wire form (positions as in IngestWire):
--   session: [session_id, visitor_id, referrer_host, referrer_class, utm_source, utm_medium,
--             utm_campaign, country, region, city, latitude, longitude, device, browser, os,
--             started_at, last_seen, entry_path, exit_path, pageviews, engaged_ms, max_scroll,
--             interactions, returning, utm_term, utm_content, click_id]
--   visitor: [visitor_id, first_seen, last_seen, last_path, value_score, first_referrer_host,
--             first_referrer_class, utm_source, utm_medium, utm_campaign, country, region, city,
--             latitude, longitude, device, browser, os]
--   event:   [id, type, at, session index (-1: none), path, name, props, engaged_ms, scroll,
--             interactions, context, revenue amount, revenue currency, vitals] where context
--             has the session row's first 15 positions (always present here) and vitals is
--             [lcp, inp, cls, ttfb, fcp] or null.
create or replace function private.wire_of(payload jsonb, p_site text) returns jsonb
language sql stable set search_path = '' as $$
  select jsonb_build_object(
    'v', 2,
    'batch_id', payload ->> 'batch_id',
    'site_id', p_site,
    'store_raw', coalesce((payload ->> 'store_raw')::boolean, false),
    'sessions', coalesce((
      select jsonb_agg(jsonb_build_array(s.session_id, s.visitor_id, s.referrer_host,
        s.referrer_class, s.utm_source, s.utm_medium, s.utm_campaign, s.country, s.region,
        s.city, s.latitude, s.longitude, s.device, s.browser, s.os,
        private.wire_micros(s.started_at), private.wire_micros(s.last_seen), s.entry_path,
        s.exit_path, s.pageviews, s.engaged_ms, s.max_scroll, s.interactions, s."returning",
        s.utm_term, s.utm_content, s.click_id))
      from jsonb_to_recordset(coalesce(payload -> 'sessions', '[]')) as s(
        site_id text, session_id text, visitor_id text, started_at timestamptz,
        last_seen timestamptz, entry_path text, exit_path text, pageviews integer,
        engaged_ms bigint, max_scroll integer, interactions integer, referrer_host text,
        referrer_class text, utm_source text, utm_medium text, utm_campaign text,
        "returning" boolean, country text, region text, city text, latitude double precision,
        longitude double precision, device text, browser text, os text, utm_term text,
        utm_content text, click_id text)
      where s.site_id = p_site), '[]'),
    'visitors', coalesce((
      select jsonb_agg(jsonb_build_array(v.visitor_id, private.wire_micros(v.first_seen),
        private.wire_micros(v.last_seen), v.last_path, v.value_score, v.first_referrer_host,
        v.first_referrer_class, v.utm_source, v.utm_medium, v.utm_campaign, v.country,
        v.region, v.city, v.latitude, v.longitude, v.device, v.browser, v.os))
      from jsonb_to_recordset(coalesce(payload -> 'visitors', '[]')) as v(
        site_id text, visitor_id text, first_seen timestamptz, last_seen timestamptz,
        last_path text, value_score integer, first_referrer_host text,
        first_referrer_class text, utm_source text, utm_medium text, utm_campaign text,
        country text, region text, city text, latitude double precision,
        longitude double precision, device text, browser text, os text)
      where v.site_id = p_site), '[]'),
    'events', coalesce((
      select jsonb_agg(jsonb_build_array(e.id, e.type, private.wire_micros(e.at), -1, e.path,
        e.name, e.props, e.engaged_ms, e.scroll, e.interactions,
        jsonb_build_array(e.session_id, e.visitor_id, e.referrer_host, e.referrer_class,
          e.utm_source, e.utm_medium, e.utm_campaign, e.country, e.region, e.city, e.latitude,
          e.longitude, e.device, e.browser, e.os),
        e.revenue -> 'amount', e.revenue -> 'currency',
        case when jsonb_typeof(e.vitals) = 'object' then jsonb_build_array(e.vitals -> 'lcp',
          e.vitals -> 'inp', e.vitals -> 'cls', e.vitals -> 'ttfb', e.vitals -> 'fcp') end))
      from jsonb_to_recordset(coalesce(payload -> 'events', '[]')) as e(
        id text, site_id text, type text, at timestamptz, session_id text, visitor_id text,
        path text, referrer_host text, referrer_class text, utm_source text, utm_medium text,
        utm_campaign text, name text, props jsonb, engaged_ms bigint, scroll integer,
        interactions integer, country text, region text, city text, latitude double precision,
        longitude double precision, device text, browser text, os text, revenue jsonb,
        vitals jsonb)
      where e.site_id = p_site), '[]'))
$$;

-- Applies the rows of one site's flush in the wire form (steps 2-4 above); returns the numbers
