-- Row level security of the scheduled reports and spike alerts (0013_reports_and_alerts.sql).
-- A member manages only their own report subscriptions, and only for sites they are a member
-- of; owners and admins manage their sites' spike alerts; the delivery record is the Worker's
-- (service_role) alone.

alter table public.report_subscriptions enable row level security;
alter table public.report_deliveries enable row level security;
alter table public.spike_alerts enable row level security;

-- Supabase's default privileges grant everything on new tables to anon and authenticated.
revoke all on public.report_subscriptions, public.report_deliveries, public.spike_alerts
  from anon, authenticated;

grant select, insert, delete on public.report_subscriptions to authenticated;
drop policy if exists report_subscriptions_own_read on public.report_subscriptions;
create policy report_subscriptions_own_read on public.report_subscriptions for select
  to authenticated using (user_id = (select private.user_id()));
-- Only for oneself (a service token names no user), and only on a site one is a member of.
drop policy if exists report_subscriptions_own_insert on public.report_subscriptions;
create policy report_subscriptions_own_insert on public.report_subscriptions for insert
  to authenticated with check (
    user_id = (select private.user_id())
    and private.role_rank(private.site_role(site_id)) >= private.role_rank('viewer'));
drop policy if exists report_subscriptions_own_delete on public.report_subscriptions;
create policy report_subscriptions_own_delete on public.report_subscriptions for delete
  to authenticated using (user_id = (select private.user_id()));

grant select, insert, update, delete on public.spike_alerts to authenticated;
drop policy if exists spike_alerts_admin on public.spike_alerts;
create policy spike_alerts_admin on public.spike_alerts for all to authenticated
  using (private.role_rank(private.site_role(site_id)) >= private.role_rank('admin'))
  with check (private.role_rank(private.site_role(site_id)) >= private.role_rank('admin'));
