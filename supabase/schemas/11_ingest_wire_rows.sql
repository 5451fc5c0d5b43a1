-- The rows of a flush in the compact wire form (IngestWire in packages/schema/src/ingest-batch.ts:
-- rows as positional arrays, times in epoch microseconds), as typed columns. SQL functions in
-- FROM, inlined into the statements that call them. Positions added later (a session's
-- utm_term, utm_content, click_id; an event's revenue and vitals) are absent from the rows of
-- an older Worker: NULL, read as '' or none.

-- Their columns grew (utm_term, utm_content, click_id; revenue, vitals): a result type that
-- `create or replace` cannot change.
drop function if exists private.wire_sessions(jsonb);
drop function if exists private.wire_events(jsonb, jsonb);

create or replace function private.wire_sessions(p_sessions jsonb)
returns table (session_id text, visitor_id text, referrer_host text, referrer_class text,
               utm_source text, utm_medium text, utm_campaign text, country text, region text,
               city text, latitude double precision, longitude double precision, device text,
               browser text, os text, started_at timestamptz, last_seen timestamptz,
               entry_path text, exit_path text, pageviews integer, engaged_ms bigint,
               max_scroll integer, interactions integer, "returning" boolean, utm_term text,
               utm_content text, click_id text)
language sql stable parallel safe as $$
  select s.j ->> 0, s.j ->> 1, s.j ->> 2, s.j ->> 3, s.j ->> 4, s.j ->> 5, s.j ->> 6, s.j ->> 7,
    s.j ->> 8, s.j ->> 9, (s.j ->> 10)::double precision, (s.j ->> 11)::double precision,
    s.j ->> 12, s.j ->> 13, s.j ->> 14, private.wire_time((s.j ->> 15)::bigint),
    private.wire_time((s.j ->> 16)::bigint), s.j ->> 17, s.j ->> 18, (s.j ->> 19)::integer,
    (s.j ->> 20)::bigint, (s.j ->> 21)::integer, (s.j ->> 22)::integer, (s.j ->> 23)::boolean,
    s.j ->> 24, s.j ->> 25, s.j ->> 26
  from jsonb_array_elements(coalesce(p_sessions, '[]')) s(j)
$$;

create or replace function private.wire_visitors(p_visitors jsonb)
returns table (visitor_id text, first_seen timestamptz, last_seen timestamptz, last_path text,
               value_score integer, first_referrer_host text, first_referrer_class text,
               utm_source text, utm_medium text, utm_campaign text, country text, region text,
               city text, latitude double precision, longitude double precision, device text,
               browser text, os text)
language sql stable parallel safe as $$
  select v.j ->> 0, private.wire_time((v.j ->> 1)::bigint), private.wire_time((v.j ->> 2)::bigint),
    v.j ->> 3, (v.j ->> 4)::integer, v.j ->> 5, v.j ->> 6, v.j ->> 7, v.j ->> 8, v.j ->> 9,
    v.j ->> 10, v.j ->> 11, v.j ->> 12, (v.j ->> 13)::double precision,
    (v.j ->> 14)::double precision, v.j ->> 15, v.j ->> 16, v.j ->> 17
  from jsonb_array_elements(coalesce(p_visitors, '[]')) v(j)
$$;

-- An event and its session context `context` (the first 15 positions of a session row: session,
-- visitor, source, place, client), which is its session row's in p_sessions unless the event
-- carries its own (position 10; null there when the event has revenue or vitals after it but
-- its session row's context). The context stays jsonb: most events only need their session
-- and visitor. scroll: NULL when not measured.
create or replace function private.wire_events(p_events jsonb, p_sessions jsonb)
returns table (id text, type text, at timestamptz, path text, name text, props jsonb,
               engaged_ms bigint, scroll integer, interactions integer, session_id text,
               visitor_id text, context jsonb, revenue numeric, currency text, lcp real,
               inp real, cls real, ttfb real, fcp real)
language sql stable parallel safe as $$
  select e.j ->> 0, e.j ->> 1, private.wire_time((e.j ->> 2)::bigint), e.j ->> 4, e.j ->> 5,
    nullif(e.j -> 6, 'null'), (e.j ->> 7)::bigint, (e.j ->> 8)::integer, (e.j ->> 9)::integer,
    c.c ->> 0, c.c ->> 1, c.c, (e.j ->> 11)::numeric, e.j ->> 12, (e.j -> 13 ->> 0)::real,
    (e.j -> 13 ->> 1)::real, (e.j -> 13 ->> 2)::real, (e.j -> 13 ->> 3)::real,
    (e.j -> 13 ->> 4)::real
  from jsonb_array_elements(coalesce(p_events, '[]')) e(j)
  cross join lateral (
    select coalesce(nullif(e.j -> 10, 'null'), case when (e.j ->> 3)::integer >= 0
                                    then p_sessions -> (e.j ->> 3)::integer end) as c
  ) c
$$;
