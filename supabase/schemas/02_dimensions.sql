-- The dimension of a visitor_days key (its first letter: a = site total, b = page, ...).
-- q keys are a page within a country: 'q' || country || E'\x1f' || path, dimension
-- 'page@' || country (see daily_rollups).
create or replace function private.dimension_of(p_key text) returns text
language sql immutable parallel safe as $$
  select case when ascii(p_key) = 113
    then 'page@' || split_part(substr(p_key, 2), E'\x1f', 1)
    else (array['', 'page', 'entry_page', 'exit_page', 'referrer', 'referrer_class', 'country',
                'region', 'city', 'device', 'browser', 'os', 'utm_source', 'utm_medium',
                'utm_campaign', 'event'])[ascii(p_key) - 96] end
$$;

-- The value of a visitor_days key (what follows the letter; a q key's path).
create or replace function private.value_of(p_key text) returns text
language sql immutable parallel safe as $$
  select case when ascii(p_key) = 113 then substr(p_key, strpos(p_key, E'\x1f') + 1)
    else substr(p_key, 2) end
$$;

create or replace function private.dimensions() returns text[]
language sql immutable parallel safe as $$
  select array['page', 'entry_page', 'exit_page', 'referrer', 'referrer_class', 'country',
               'region', 'city', 'device', 'browser', 'os', 'utm_source', 'utm_medium',
               'utm_campaign', 'event']
$$;
