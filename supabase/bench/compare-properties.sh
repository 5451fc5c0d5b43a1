#!/bin/sh
# Before and after in one run for the property rollups: stats_properties of a git revision
# beside the current one, on a database bench cluster kept with SIGHTLINE_BENCH_DATA_DIR (a copy:
# the run changes it), called interleaved so that both see the same load; then ingest_batch of
# that revision beside the current one, flush by flush (compare-ingest.ts; the difference is the
# property step, the goal step being in both). A cluster generated before the property rollups
# holds sites not built yet: the script builds them first and prints how long that took.
#
#   node packages/devstack/dist/cli.js start --json --data-dir "$DIR" \
#     --migrations supabase/migrations --schemas supabase/schemas --no-analytics-engine
#   supabase/bench/compare-properties.sh "$DB_URL" [revision, default main] [runs, default 11]
set -eu
db=$1
rev=${2:-main}
runs=${3:-11}
here=$(dirname "$0")
psql -q -v ON_ERROR_STOP=1 "$db" <<'SQL'
\timing on
select set_config('request.jwt.claims', '{"role":"service_role"}', false) \gset
select public.build_property_rollups(100);
SQL
{
  echo 'create schema if not exists bench_old;'
  git show "$rev:supabase/schemas/39_stats_properties.sql" | grep -v '^drop ' |
    sed 's/create or replace function public\./create or replace function bench_old./'
  git show "$rev:supabase/schemas/20_ingest_batch.sql" | grep -v '^drop ' |
    sed -e 's/public\.ingest_batch/bench_old.ingest_batch/g' \
      -e 's/private\.apply_wire/bench_old.apply_wire/g'
} | psql -q -v ON_ERROR_STOP=1 "$db"
psql -q -v ON_ERROR_STOP=1 -v runs="$runs" -f "$here/compare-properties.sql" "$db"
(cd "$here/.." && pnpm exec tsx bench/compare-ingest.ts "$db" "$runs")
psql -q -c 'drop schema bench_old cascade' "$db"
