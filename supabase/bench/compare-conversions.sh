#!/bin/sh
# Before and after in one run: the goal reports (stats_goals, stats_goal_breakdown) of a git
# revision beside the current ones, on a database bench cluster kept with
# SIGHTLINE_BENCH_DATA_DIR, called interleaved so that both see the same load; then
# ingest_batch of that revision beside the current one, flush by flush (compare-ingest.ts).
# Start the devstack on that directory first (its JSON line has the dbUrl):
#
#   node packages/devstack/dist/cli.js start --json --data-dir "$DIR" \
#     --migrations supabase/migrations --schemas supabase/schemas --no-analytics-engine
#   supabase/bench/compare-conversions.sh "$DB_URL" [revision, default main] [runs, default 11]
#
# The old functions go to a scratch schema (bench_old), dropped at the end.
set -eu
db=$1
rev=${2:-main}
runs=${3:-11}
here=$(dirname "$0")
{
  echo 'create schema if not exists bench_old;'
  for f in 39_stats_goals 39_stats_goal_breakdown; do
    # Only the functions, renamed: a `drop … if exists` of the file would drop the live one.
    git show "$rev:supabase/schemas/$f.sql" | grep -v '^drop ' |
      sed 's/create or replace function public\./create or replace function bench_old./'
  done
  # ingest_batch and its apply_wire as they were (the steps they call are today's, shared).
  git show "$rev:supabase/schemas/20_ingest_batch.sql" | grep -v '^drop ' |
    sed -e 's/public\.ingest_batch/bench_old.ingest_batch/g' \
      -e 's/private\.apply_wire/bench_old.apply_wire/g'
} | psql -q -v ON_ERROR_STOP=1 "$db"
psql -q -v ON_ERROR_STOP=1 -v runs="$runs" -f "$here/compare-conversions.sql" "$db"
(cd "$here/.." && pnpm exec tsx bench/compare-ingest.ts "$db" "$runs")
psql -q -c 'drop schema bench_old cascade' "$db"
