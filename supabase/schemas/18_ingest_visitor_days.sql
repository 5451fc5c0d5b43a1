-- Visitor days (ingest_batch step 5; see public.visitor_days): one row per visitor and local
-- day, the keys (dimension letter + value) the visitor was active with that day and their hits.
-- Only a key that becomes active or inactive on a day (a flip) changes the unique-visitor counts
-- of the daily rollups: for those the chain "active day -> previous active day" of (visitor,
-- key) is recomputed from the visitor's few stored days, old chain subtracted, new one added.

-- Merges the flush's key deltas into visitor_days. Returns the flips (hits: +1 active, -1 no
-- longer), apart for visitors with other active days (chained: stored, or several days in this
-- flush) and for those without (alone: a flip is simply one new visitor more or less).
create or replace function private.merge_visitor_days(p_keys private.key_delta[],
                                                      out chained private.key_delta[],
                                                      out alone private.key_delta[])
language plpgsql as $$
begin
  with key_changes as (
    select k.site_id, k.visitor_id, k.day, k.key, sum(k.hits)::integer as dh
    from unnest(p_keys) k
    group by 1, 2, 3, 4
    having sum(k.hits) <> 0
  ),
  day_changes as (
    select c.site_id, c.visitor_id, c.day, array_agg(c.key) as keys, array_agg(c.dh) as dhs
    from key_changes c
    group by 1, 2, 3
  ),
  several_days as (
    -- Visitors with several days in this flush (a flush spanning midnight, or an outage
    -- replayed): the chain links those days too.
    select d.visitor_id from day_changes d group by 1 having count(*) > 1
  ),
  changes as (
    -- One row per changed key of a visitor's day, beside the stored day (its keys' hits) and
    -- whether the visitor has other days, stored or in this flush.
    select d.site_id, d.visitor_id, d.day, h.dims, h.dims is not null as stored,
      (h.other_days > 0 or d.visitor_id = any (array(select x.visitor_id from several_days x)))
        as chained,
      k.key, k.dh, coalesce((h.dims ->> k.key)::integer, 0) as old
    from day_changes d
    cross join lateral (
      select (array_agg(o.dims) filter (where o.day = d.day))[1] as dims,
        count(*) filter (where o.day <> d.day) as other_days
      from public.visitor_days o
      where o.site_id = d.site_id and o.visitor_id = d.visitor_id
    ) h
    cross join lateral unnest(d.keys, d.dhs) k(key, dh)
  ),
  merged as (
    -- The stored day merged with the deltas (a key no longer active is dropped: null, stripped).
    select c.site_id, c.visitor_id, c.day, bool_or(c.stored) as stored,
      jsonb_strip_nulls(coalesce(any_value(c.dims), '{}')
        || jsonb_object_agg(c.key, case when c.old + c.dh > 0 then (c.old + c.dh)::text end))
        as dims
    from changes c
    group by 1, 2, 3
  ),
  visitor_days_kept as (
    insert into public.visitor_days as vd (site_id, visitor_id, day, dims)
    select m.site_id, m.visitor_id, m.day, m.dims
    from merged m
    where m.dims <> '{}'
    order by 1, 2, 3
    on conflict (site_id, visitor_id, day) do update set dims = excluded.dims
  ),
  visitor_days_dropped as (
    -- A day left without active keys (possible only when exit pages move away).
    delete from public.visitor_days vd
    using merged m
    where m.stored and m.dims = '{}'
      and vd.site_id = m.site_id and vd.visitor_id = m.visitor_id and vd.day = m.day
  )
  select array_agg(f.flip) filter (where f.chained), array_agg(f.flip) filter (where not f.chained)
  into chained, alone
  from (
    select c.chained, row(c.site_id, c.visitor_id, c.day, c.key,
      case when c.old > 0 then -1 else 1 end)::private.key_delta as flip
    from changes c
    where (c.old > 0) <> (c.old + c.dh > 0)
  ) f;
end
$$;
revoke execute on function private.merge_visitor_days(private.key_delta[])
  from public, anon, authenticated;
grant execute on function private.merge_visitor_days(private.key_delta[]) to service_role;

-- The unique-visitor changes of the flips, per (dimension, value, day): new_visitors and the
-- returning_by_gap counts to add (see public.daily_rollups). Reads visitor_days as
-- merge_visitor_days left it: a chained flip's visitor's active days with the key after the
-- flush; before it, the flip days were the other way round. Inlined into its caller.
create or replace function private.unique_visitor_changes(p_chained private.key_delta[],
                                                          p_alone private.key_delta[])
returns table (site_id text, dimension text, value text, day date, new_visitors integer,
               returning_by_gap integer[])
language sql stable as $$
  with flipped as (
    select f.site_id, f.visitor_id, array_agg(distinct f.key) as keys
    from unnest(p_chained) f
    group by 1, 2
  ),
  active as (
    -- The active days, after the flush, of every (visitor, key) that flips somewhere in it.
    select v.site_id, v.visitor_id, h.key, h.day
    from flipped v
    cross join lateral (
      select k.key, o.day
      from public.visitor_days o
      cross join lateral unnest(v.keys) k(key)
      where o.site_id = v.site_id and o.visitor_id = v.visitor_id and o.dims ? k.key
      offset 0 -- keeps this a lookup per visitor (the planner would hash-join the whole table)
    ) h
  ),
  days as (
    -- new: active after this flush; old: before it (a flip toggles it).
    select x.site_id, x.visitor_id, x.key, x.day, max(x.active) = 1 as new,
      (max(x.active) # max(x.flip)) = 1 as old
    from (
      select a.site_id, a.visitor_id, a.key, a.day, 1 as active, 0 as flip from active a
      union all
      select f.site_id, f.visitor_id, f.key, f.day, 0, 1 from unnest(p_chained) f
    ) x
    group by 1, 2, 3, 4
  ),
  chain_delta as (
    select c.site_id, c.key, c.day, c.prev_day, sum(c.sign)::integer as visitors
    from (
      select d.site_id, d.key, d.day, -1 as sign,
        coalesce(lag(d.day) over (partition by d.site_id, d.visitor_id, d.key order by d.day),
                 '-infinity'::date) as prev_day
      from days d where d.old
      union all
      select d.site_id, d.key, d.day, 1,
        coalesce(lag(d.day) over (partition by d.site_id, d.visitor_id, d.key order by d.day),
                 '-infinity'::date)
      from days d where d.new
      union all
      -- A visitor active on no other day: the key is new on this day, or no longer counted.
      select f.site_id, f.key, f.day, f.hits, '-infinity'::date from unnest(p_alone) f
    ) c
    group by 1, 2, 3, 4
    having sum(c.sign) <> 0
  )
  select c.site_id, private.dimension_of(c.key), private.value_of(c.key), c.day,
    coalesce(sum(c.visitors) filter (where c.prev_day = '-infinity'), 0)::integer,
    -- Most days of a flush only gain new visitors: skip the array work for them.
    case when bool_or(c.prev_day <> '-infinity') then private.gap_counts(
      array_agg(c.day - c.prev_day) filter (where c.prev_day <> '-infinity'),
      array_agg(c.visitors) filter (where c.prev_day <> '-infinity'))
    end
  from chain_delta c
  group by c.site_id, c.key, c.day
$$;
