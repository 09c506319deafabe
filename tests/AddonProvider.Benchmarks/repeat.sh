#!/usr/bin/env bash
# Runs one benchmark several times, each on a fresh migrated database of a private PostgreSQL cluster (left running
# between calls, so an A/B can alternate builds cheaply), and prints a header line per run. For A/B comparisons:
#   tests/AddonProvider.Benchmarks/repeat.sh <benchmark> <label> <runs>      (rebuilds the benchmarks in Release)
#   BENCH_PG_STOP=1 tests/AddonProvider.Benchmarks/repeat.sh ...              (also stops the cluster afterwards)
set -euo pipefail
cd "$(dirname "$0")/../.."
name=$1; label=$2; runs=${3:-1}
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
PG_PORT=${BENCH_PG_PORT:-5472}; PG_DATA=/var/tmp/addonprovider-repeat-pg
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
if ! as_pg "$PGBIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
  rm -rf "$PG_DATA"; mkdir -p "$PG_DATA"; chmod 700 "$PG_DATA"; [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$PG_DATA"
  as_pg "$PGBIN/initdb" -D "$PG_DATA" -U postgres --auth=trust -E UTF8 >/dev/null
  as_pg "$PGBIN/pg_ctl" -D "$PG_DATA" -l "$PG_DATA/server.log" -w -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DATA -c max_connections=300" start >/dev/null
fi
[ -n "${BENCH_PG_STOP:-}" ] && trap 'as_pg "$PGBIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null || true' EXIT
dotnet build -c Release -v q -nologo tests/AddonProvider.Benchmarks >/dev/null
export DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/bench"
for i in $(seq 1 "$runs"); do
  as_pg "$PGBIN/dropdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres --if-exists bench 2>/dev/null
  as_pg "$PGBIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres bench
  dotnet run -c Release --no-build --project migrations >/dev/null
  echo "## $label run $i, load $(cut -d' ' -f1-3 /proc/loadavg), commit $(git rev-parse --short HEAD)$(git diff --quiet || echo ' +uncommitted')"
  dotnet run -c Release --no-build --project tests/AddonProvider.Benchmarks -- "$name" 2>&1 | grep -v '^warn\|^      '
done
