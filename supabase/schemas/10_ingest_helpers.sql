-- Small helpers of ingest_batch: integer arrays of unique-visitor counts, wire timestamps.

-- Element-wise sum of two integer arrays (missing entries are 0).
create or replace function private.int_array_add(a integer[], b integer[]) returns integer[]
language plpgsql immutable parallel safe as $$
declare
  r integer[] := coalesce(a, '{}');
  i integer;
begin
  for i in 1 .. coalesce(cardinality(b), 0) loop
    r[i] := coalesce(r[i], 0) + b[i];
  end loop;
  return r;
end
$$;

-- Cumulative counts by gap: result[k] = sum of counts whose gap >= k (see daily_rollups).
-- Gaps are day differences (>= 1). Linear in the largest gap plus the number of entries.
create or replace function private.gap_counts(gaps integer[], counts integer[]) returns integer[]
language plpgsql immutable parallel safe as $$
declare
  m integer := 0;
  r integer[];
  i integer;
begin
  for i in 1 .. coalesce(cardinality(gaps), 0) loop
    m := greatest(m, gaps[i]);
  end loop;
  if m = 0 then
    return '{}';
  end if;
  r := array_fill(0, array[m]);
  for i in 1 .. cardinality(gaps) loop
    r[gaps[i]] := r[gaps[i]] + counts[i];
  end loop;
  for i in reverse m - 1 .. 1 loop
    r[i] := r[i] + r[i + 1];
  end loop;
  return r;
end
$$;

-- The wire form's timestamps: epoch microseconds (exact, and far cheaper than parsing ISO text).
-- Inlined into the statements that call it.
create or replace function private.wire_time(p_micros bigint) returns timestamptz
language sql stable parallel safe as $$
  select timestamptz 'epoch' + p_micros * interval '1 microsecond'
$$;

create or replace function private.wire_micros(p timestamptz) returns bigint
language sql immutable parallel safe as $$
  select (extract(epoch from p) * 1000000)::bigint
$$;
