-- The report dimensions as SQL sees them. The lists under `-- for every …` are generated from
-- src/dimensions.ts (`pnpm --filter @sightline/database gen`), the one place a dimension is
-- named; `pnpm lint` fails when they differ.

-- The names the report RPCs take (p_dimension, the keys of p_filters).
create or replace function private.dimensions() returns text[]
language sql immutable parallel safe as $$
  select array[
    -- for every dimension (src/dimensions.ts): '{name}'{,}
    'page',
    'entry_page',
    'exit_page',
    'referrer',
    'referrer_class',
    'country',
    'region',
    'city',
    'device',
    'browser',
    'os',
    'utm_source',
    'utm_medium',
    'utm_campaign',
    'utm_term',
    'utm_content',
    'click_id',
    'event'
    -- end for
  ]
$$;

-- The one-letter prefix of a dimension's visitor_days keys (see public.visitor_days): stored in
-- the data, never changed. '' is the site total; 'page@' a page within its session's country.
-- Inlined and folded to a constant where it is called with one.
create or replace function private.dimension_key(p_dimension text) returns text
language sql immutable parallel safe as $$
  select case p_dimension
    -- for every key (src/dimensions.ts): when '{name}' then '{key}'
    when '' then 'a'
    when 'page' then 'b'
    when 'entry_page' then 'c'
    when 'exit_page' then 'd'
    when 'referrer' then 'e'
    when 'referrer_class' then 'f'
    when 'country' then 'g'
    when 'region' then 'h'
    when 'city' then 'i'
    when 'device' then 'j'
    when 'browser' then 'k'
    when 'os' then 'l'
    when 'utm_source' then 'm'
    when 'utm_medium' then 'n'
    when 'utm_campaign' then 'o'
    when 'utm_term' then 'r'
    when 'utm_content' then 's'
    when 'click_id' then 't'
    when 'event' then 'p'
    when 'page@' then 'q'
    -- end for
  end
$$;

-- The dimension of a visitor_days key. A q key is a page within a country:
-- 'q' || country || E'\x1f' || path, dimension 'page@' || country (see daily_rollups).
create or replace function private.dimension_of(p_key text) returns text
language sql immutable parallel safe as $$
  select case left(p_key, 1)
    when private.dimension_key('') then ''
    when private.dimension_key('page@') then 'page@' || split_part(substr(p_key, 2), E'\x1f', 1)
    -- for every dimension (src/dimensions.ts): when '{key}' then '{name}'
    when 'b' then 'page'
    when 'c' then 'entry_page'
    when 'd' then 'exit_page'
    when 'e' then 'referrer'
    when 'f' then 'referrer_class'
    when 'g' then 'country'
    when 'h' then 'region'
    when 'i' then 'city'
    when 'j' then 'device'
    when 'k' then 'browser'
    when 'l' then 'os'
    when 'm' then 'utm_source'
    when 'n' then 'utm_medium'
    when 'o' then 'utm_campaign'
    when 'r' then 'utm_term'
    when 's' then 'utm_content'
    when 't' then 'click_id'
    when 'p' then 'event'
    -- end for
  end
$$;

-- The value of a visitor_days key (what follows the letter; a q key's path).
create or replace function private.value_of(p_key text) returns text
language sql immutable parallel safe as $$
  select case when left(p_key, 1) = private.dimension_key('page@')
    then substr(p_key, strpos(p_key, E'\x1f') + 1) else substr(p_key, 2) end
$$;
