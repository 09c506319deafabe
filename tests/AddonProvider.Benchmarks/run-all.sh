#!/usr/bin/env bash
# Runs every benchmark once on a private PostgreSQL cluster (fresh database per benchmark) and writes the raw
# output, with the commit, the machine and its load, to results/all-<date>.md. Run it on a quiet machine.
#   usage: tests/AddonProvider.Benchmarks/run-all.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
PG_PORT=${BENCH_PG_PORT:-5471}; PG_DATA=/var/tmp/addonprovider-benchall-pg
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
OUT="tests/AddonProvider.Benchmarks/results/all-$(date -u +%Y-%m-%d).md"

dotnet build -c Release -v q -nologo tests/AddonProvider.Benchmarks >/dev/null
rm -rf "$PG_DATA"; mkdir -p "$PG_DATA"; chmod 700 "$PG_DATA"; [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$PG_DATA"
as_pg "$PGBIN/initdb" -D "$PG_DATA" -U postgres --auth=trust -E UTF8 >/dev/null
as_pg "$PGBIN/pg_ctl" -D "$PG_DATA" -l "$PG_DATA/server.log" -w -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DATA -c max_connections=300" start >/dev/null
trap 'as_pg "$PGBIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null || true' EXIT

{
  echo "# All benchmarks, one run each"
  echo
  echo "- command: \`tests/AddonProvider.Benchmarks/run-all.sh\`"
  echo "- commit: $(git rev-parse --short HEAD)"
  echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -sr)"
  echo "- PostgreSQL: $("$PGBIN/postgres" --version), default durability settings"
  echo
} > "$OUT"

run() {
  local name=$1; shift
  as_pg "$PGBIN/dropdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres --if-exists bench
  as_pg "$PGBIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres bench
  export DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/bench"
  dotnet run -c Release --no-build --project migrations >/dev/null
  { echo "## $name"; echo; echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"; echo; echo '```'; echo "\$ dotnet run -c Release --project tests/AddonProvider.Benchmarks -- $name $*"; } >> "$OUT"
  dotnet run -c Release --no-build --project tests/AddonProvider.Benchmarks -- "$name" "$@" 2>&1 | tee -a "$OUT"
  { echo '```'; echo; } >> "$OUT"
}

run rerank-inprocess
run chat-gateway-overhead
run rerank-throughput 20 20 16
run sso-login --seconds 10 --connections 16
run advisory-fanout
echo "written: $OUT"
