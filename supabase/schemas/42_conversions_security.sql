-- Row level security of the conversion tables (0010), the same way as every table
-- (40_security.sql): a dashboard token reads the rows of its sites, through the same helper,
-- private.jwt_site_ids(), so a change of who may read a site covers these tables too.
-- event_log and page_scroll are written by ingest_batch only (service_role). Goals, funnels and
-- content groups are the site's settings: whoever may see the site's conversion reports reads
-- them (members, service tokens, share links that show them, public dashboards), owners and admins (and service
-- tokens, which automate a site) write them (the dashboard's Goals screen); the checks on their
-- content are triggers (03_goals.sql).

alter table public.event_log enable row level security;
alter table public.page_scroll enable row level security;
alter table public.goals enable row level security;
alter table public.funnels enable row level security;
alter table public.content_groups enable row level security;

revoke insert, update, delete, truncate, references, trigger on public.event_log,
  public.page_scroll from anon, authenticated;
revoke insert, update, delete, truncate, references, trigger
  on public.goals, public.funnels, public.content_groups from anon;
grant select on public.goals, public.funnels, public.content_groups to anon;
revoke truncate, references, trigger on public.goals, public.funnels, public.content_groups
  from authenticated;
grant select, insert, update, delete on public.goals, public.funnels, public.content_groups
  to authenticated;

drop policy if exists event_log_read_own on public.event_log;
create policy event_log_read_own on public.event_log for select to authenticated
  using (site_id = any ((select private.jwt_site_ids())::text[]));

drop policy if exists page_scroll_read_own on public.page_scroll;
create policy page_scroll_read_own on public.page_scroll for select to authenticated
  using (site_id = any ((select private.jwt_site_ids())::text[]));

drop policy if exists goals_own on public.goals;
drop policy if exists goals_read on public.goals;
create policy goals_read on public.goals for select to anon, authenticated
  using (private.can_see_card(site_id, 'conversions'));
drop policy if exists goals_write on public.goals;
create policy goals_write on public.goals for all to authenticated
  using (private.can_edit_conversions(site_id))
  with check (private.can_edit_conversions(site_id));
drop policy if exists funnels_own on public.funnels;
drop policy if exists funnels_read on public.funnels;
create policy funnels_read on public.funnels for select to anon, authenticated
  using (private.can_see_card(site_id, 'conversions'));
drop policy if exists funnels_write on public.funnels;
create policy funnels_write on public.funnels for all to authenticated
  using (private.can_edit_conversions(site_id))
  with check (private.can_edit_conversions(site_id));
drop policy if exists content_groups_own on public.content_groups;
drop policy if exists content_groups_read on public.content_groups;
create policy content_groups_read on public.content_groups for select to anon, authenticated
  using (private.can_see_card(site_id, 'conversions'));
drop policy if exists content_groups_write on public.content_groups;
create policy content_groups_write on public.content_groups for all to authenticated
  using (private.can_edit_conversions(site_id))
  with check (private.can_edit_conversions(site_id));
