-- Demo site for `pnpm dev` (not a migration: a real project starts empty).
insert into public.sites (id, name, domains, public_live, timezone, store_raw)
values ('demo', 'Demo shop', array['localhost', '127.0.0.1'], true, 'Europe/Berlin', true)
on conflict (id) do nothing;

-- The demo's goals and a funnel (scripts/dev/traffic.mjs sends the traffic that reaches them).
insert into public.goals (site_id, name, event_name, page_path)
values ('demo', 'Purchase', 'purchase', null),
       ('demo', 'Add to cart', 'add_to_cart', null),
       ('demo', 'Checkout done', null, '/checkout/*/done')
on conflict (site_id, name) do nothing;
insert into public.goals (site_id, name, event_name, prop_key, prop_value)
values ('demo', 'Gift purchase', 'purchase', 'plan', 'gift')
on conflict (site_id, name) do nothing;
insert into public.funnels (site_id, name, steps)
select 'demo', 'Shop to purchase', jsonb_build_array(
  jsonb_build_object('page', '/products'),
  jsonb_build_object('page', '/products/*'),
  jsonb_build_object('page', '/cart'),
  jsonb_build_object('goal', g.id))
from public.goals g where g.site_id = 'demo' and g.name = 'Purchase'
on conflict (site_id, name) do nothing;
