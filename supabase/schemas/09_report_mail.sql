-- Scheduled e-mail reports: which reports are due, and the record that makes each one go out
-- once. Members opt in by writing their own rows of public.report_subscriptions (policies:
-- 44_reports_alerts_security.sql); the ingest Worker's Cron Trigger calls these functions with
-- the secret key (service_role only) and reads the numbers through the report RPCs.

-- How long a claim without a send holds a report: past it, the Worker that claimed it is taken
-- to have stopped, and the report is due again.
create or replace function private.report_claim_expiry() returns interval
language sql immutable parallel safe as $$ select interval '1 hour' $$;

-- The reports due at p_now: for every subscription of a current member with an e-mail address,
-- the last complete period in the site's time zone (weekly: Monday to Sunday; monthly: the
-- calendar month), as local days and as the [from, to) instants the report RPCs take, unless
-- that period was already sent or is being sent (a claim expires: report_claim_expiry()).
create or replace function public.due_reports(p_now timestamptz default now())
returns table (site_id text, site_name text, timezone text, user_id uuid, email text,
               period text, period_start date, period_from timestamptz, period_to timestamptz)
language sql stable security definer set search_path = '' as $$
  select r.site_id, s.name, s.timezone, r.user_id, u.email::text, r.period, b.local_start::date,
         b.local_start at time zone s.timezone,
         (b.local_start + case r.period when 'weekly' then interval '1 week'
                                         else interval '1 month' end) at time zone s.timezone
  from public.report_subscriptions r
  join public.sites s on s.id = r.site_id
  join public.site_members m on m.site_id = r.site_id and m.user_id = r.user_id
  join auth.users u on u.id = r.user_id
  cross join lateral (
    select case r.period
             when 'weekly' then date_trunc('week', p_now at time zone s.timezone) - interval '1 week'
             else date_trunc('month', p_now at time zone s.timezone) - interval '1 month'
           end as local_start) b
  where u.email is not null and u.email <> ''
    and not exists (
      select 1 from public.report_deliveries d
      where d.site_id = r.site_id and d.user_id = r.user_id and d.period = r.period
        and d.period_start = b.local_start::date
        and (d.sent_at is not null or d.claimed_at > p_now - private.report_claim_expiry()))
  order by r.site_id, r.user_id, r.period
$$;

-- Claims one report before it is sent: true when this caller may send it, false when it was
-- sent already or another run is sending it (claimed within report_claim_expiry()).
create or replace function public.claim_report(p_site text, p_user uuid, p_period text,
                                               p_period_start date, p_now timestamptz default now())
returns boolean
language sql volatile security definer set search_path = '' as $$
  with claimed as (
    insert into public.report_deliveries as d (site_id, user_id, period, period_start, claimed_at)
    values (p_site, p_user, p_period, p_period_start, p_now)
    on conflict (site_id, user_id, period, period_start) do update set claimed_at = p_now
      where d.sent_at is null and d.claimed_at <= p_now - private.report_claim_expiry()
    returning 1)
  select exists (select 1 from claimed)
$$;

-- After the send: its message id records the report as sent; null (the send failed) drops the
-- claim, so the next run tries again.
create or replace function public.finish_report(p_site text, p_user uuid, p_period text,
                                                p_period_start date, p_message_id text)
returns void
language plpgsql volatile security definer set search_path = '' as $$
begin
  if p_message_id is null then
    delete from public.report_deliveries d
    where d.site_id = p_site and d.user_id = p_user and d.period = p_period
      and d.period_start = p_period_start and d.sent_at is null;
  else
    update public.report_deliveries d set sent_at = now(), message_id = p_message_id
    where d.site_id = p_site and d.user_id = p_user and d.period = p_period
      and d.period_start = p_period_start;
  end if;
end
$$;

revoke execute on function public.due_reports(timestamptz) from public, anon, authenticated;
revoke execute on function public.claim_report(text, uuid, text, date, timestamptz)
  from public, anon, authenticated;
revoke execute on function public.finish_report(text, uuid, text, date, text)
  from public, anon, authenticated;
grant execute on function public.due_reports(timestamptz) to service_role;
grant execute on function public.claim_report(text, uuid, text, date, timestamptz) to service_role;
grant execute on function public.finish_report(text, uuid, text, date, text) to service_role;
