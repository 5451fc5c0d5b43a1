-- Scheduled e-mail reports and spike alerts. The tables only; who may read and change them and
-- the functions the Worker's Cron Trigger and SiteLive use are state in supabase/schemas
-- (07_report_mail.sql, 08_spike_alerts.sql, 44_mail_security.sql).

-- A member's opt-in to a site's weekly or monthly report, sent to their Auth e-mail address.
-- Deleted with the site or the user; a member removed from the site is no longer sent one.
create table public.report_subscriptions (
  site_id text not null references public.sites (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  period text not null check (period in ('weekly', 'monthly')),
  created_at timestamptz not null default now(),
  primary key (site_id, user_id, period)
);
create index report_subscriptions_user on public.report_subscriptions (user_id, site_id);

-- One row per report claimed for a period: a re-run of the cron finds it and sends nothing
-- twice. `sent_at` is null while the send runs (or after it failed and the row was kept).
create table public.report_deliveries (
  site_id text not null references public.sites (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  period text not null check (period in ('weekly', 'monthly')),
  -- The first local day of the period reported on.
  period_start date not null,
  claimed_at timestamptz not null default now(),
  sent_at timestamptz,
  -- The e-mail API's id of the message.
  message_id text,
  primary key (site_id, user_id, period, period_start)
);

-- A site's spike alert: when its visitors-now reaches the threshold, or a multiple of the usual
-- level for the hour (learnt by SiteLive), SiteLive e-mails the listed addresses and posts to
-- the webhook (Slack-compatible JSON), at most once per quiet period.
create table public.spike_alerts (
  site_id text primary key references public.sites (id) on delete cascade,
  enabled boolean not null default true,
  visitors_threshold integer check (visitors_threshold between 1 and 10000000),
  usual_multiple real check (usual_multiple between 1.5 and 100),
  quiet_minutes integer not null default 60 check (quiet_minutes between 1 and 10080),
  emails text[] not null default '{}' check (cardinality(emails) <= 10),
  -- http(s) only; plain http is for a local receiver (the Worker posts JSON to it).
  webhook_url text check (webhook_url ~ '^https?://[^[:space:]]+$' and length(webhook_url) <= 2000),
  updated_at timestamptz not null default now(),
  check (visitors_threshold is not null or usual_multiple is not null)
);
