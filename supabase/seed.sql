-- Demo site for `pnpm dev` (not a migration: a real project starts empty).
insert into public.sites (id, name, domains, public_live, timezone, store_raw)
values ('demo', 'Demo shop', array['localhost', '127.0.0.1'], true, 'Europe/Berlin', true)
on conflict (id) do nothing;
