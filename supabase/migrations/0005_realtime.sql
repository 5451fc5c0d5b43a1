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
