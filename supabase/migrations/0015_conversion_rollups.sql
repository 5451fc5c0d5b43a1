-- Conversion rollups: goals as keys of daily rollups (docs/conversions.md, "How fast"). The
-- tables only; ingest_batch keeps them (a step after the daily rollups) and a goal's rows are
-- rebuilt from the raw rows still retained when it is created or its definition changes
-- (supabase/schemas/38_goal_rollups.sql). Rows go with their goal (and a site's goals with the
-- site). Only the report RPCs (security definer) read them: RLS on, no policy.

-- What each converting session contributes to a goal: its local day (the day its start hour
-- falls on), its visitor, its conversions and revenue per currency, and its keys (session
-- dimension + U+001F + value; '' + U+001F + '' for the site total). A flush recomputes the rows
-- of the sessions it touches and applies the difference, so out-of-order flushes, sessions
-- stored after their events and an exit page that moves are all one case.
create table if not exists public.goal_sessions (
  goal_id bigint not null references public.goals (id) on delete cascade,
  session_id text not null,
  visitor_id text not null,
  day date not null,
  conversions bigint not null,
  revenue jsonb not null default '{}',
  keys text[] not null,
  primary key (goal_id, session_id)
);

-- Per goal, visitor and local day the visitor converted: the keys it converted with that day
-- and in how many sessions ({ "<dimension>\u001f<value>": sessions }; a key stays while one is
-- left). As visitor_days does for the other rollups, only a key becoming active or inactive on
-- a day changes the unique counts of goal_daily, through the chain "active day -> previous
-- active day" of (goal, key, visitor). One row per visitor day, not per key: a rebuild writes
-- a seventeenth of the rows.
create table if not exists public.goal_visitor_days (
  goal_id bigint not null references public.goals (id) on delete cascade,
  visitor_id text not null,
  day date not null,
  keys jsonb not null,
  primary key (goal_id, visitor_id, day)
);

-- A change of one key of a goal's visitor day (key: dimension + U+001F + value; sessions: +/-),
-- as ingest_batch's goal step hands them on.
create type private.goal_key_delta as (
  goal_id bigint,
  visitor_id text,
  day date,
  key text,
  sessions integer
);

-- Per goal, key (dimension '' and value '': every converting session) and local day:
-- conversions, revenue per currency ({ "EUR": 129.8 }), and exact unique converting visitors
-- for any range of whole days, kept as daily_rollups keeps them (new_visitors: first active
-- day; returning_by_gap[k]: active that day whose previous active day is at least k days
-- before): visitors of [from, to) = sum over its days of new_visitors +
-- returning_by_gap[day - from + 1].
create table if not exists public.goal_daily (
  goal_id bigint not null references public.goals (id) on delete cascade,
  dimension text not null,
  value text not null,
  day date not null,
  conversions bigint not null default 0,
  revenue jsonb not null default '{}',
  new_visitors integer not null default 0,
  returning_by_gap integer[] not null default '{}',
  primary key (goal_id, dimension, day, value)
);

-- The definition each goal's rows were built for: the reports read the rollups only for a goal
-- built for its current definition (otherwise they evaluate it on the raw rows).
create table if not exists public.goal_rollup_builds (
  goal_id bigint primary key references public.goals (id) on delete cascade,
  definition jsonb not null,
  built_at timestamptz not null default now()
);

alter table public.goal_sessions enable row level security;
alter table public.goal_visitor_days enable row level security;
alter table public.goal_daily enable row level security;
alter table public.goal_rollup_builds enable row level security;

-- The per-session and per-visitor rows go as visitor_days do (goal_daily, an aggregate, stays):
-- they hold pseudonymous visitor and session ids.
insert into private.retention (table_name, time_column, keep, why) values
  ('goal_sessions', 'day', interval '400 days',
   'converting sessions of goals, what a later flush of the session changes in the rollups'),
  ('goal_visitor_days', 'day', interval '400 days',
   'per-visitor converting days for exact unique converting visitors, as visitor_days')
on conflict (table_name) do nothing;
