#!/usr/bin/env bash
# Provisioning throughput side by side with a bare endpoint that does one INSERT (BareInsertServer.cs): both Release
# builds on the same private PostgreSQL, the same wrk script (prov.lua), runs alternating bare / ours so a busy moment
# hits both alike. Prints each wrk output and the ratio of the medians.
#   usage: tests/AddonProvider.Benchmarks/provision-vs-bare.sh [RUNS=3] [SECONDS=15] [CONNECTIONS=16] [BARE_FLAGS]
#   BARE_FLAGS: empty for a raw Npgsql insert, --ef for the same insert through a pooled EF Core context
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${1:-3}; SECS=${2:-15}; C=${3:-16}; BARE_FLAGS=${4:-}
PG_PORT=${BENCH_PG_PORT:-5473}; PG_DATA=/var/tmp/addonprovider-bare-pg
WEB_PORT=${BENCH_WEB_PORT:-5071}; BARE_PORT=${BENCH_BARE_PORT:-5072}
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install -y wrk" >&2; exit 1; }

dotnet build -c Release -v q -nologo tests/AddonProvider.Benchmarks >/dev/null
dotnet build -c Release -v q -nologo migrations >/dev/null
rm -rf "$PG_DATA"; mkdir -p "$PG_DATA"; chmod 700 "$PG_DATA"; [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$PG_DATA"
as_pg "$PGBIN/initdb" -D "$PG_DATA" -U postgres --auth=trust -E UTF8 >/dev/null
as_pg "$PGBIN/pg_ctl" -D "$PG_DATA" -l "$PG_DATA/server.log" -w -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DATA -c max_connections=200" start >/dev/null
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; as_pg "$PGBIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null || true; }
trap cleanup EXIT
as_pg "$PGBIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres bench
export DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/bench"
dotnet migrations/bin/Release/net10.0/AddonProvider.Migrations.dll >/dev/null

source tests/AddonProvider.Benchmarks/staging-env.sh
export PROV_AUTH=$(printf 'mobiloud:%s' "$ADDON_MOBILOUD_PASSWORD" | base64 -w0)

PORT=$WEB_PORT dotnet src/AddonProvider.Web/bin/Release/net10.0/AddonProvider.Web.dll --role web --contentRoot "$PWD/src/AddonProvider.Web" >/dev/null & pids+=($!)
dotnet tests/AddonProvider.Benchmarks/bin/Release/net10.0/AddonProvider.Benchmarks.dll bare-insert-server --port "$BARE_PORT" $BARE_FLAGS >/dev/null & pids+=($!)
for url in "http://127.0.0.1:$WEB_PORT/health/ready" ; do
  for i in $(seq 1 120); do curl -fsS "$url" >/dev/null 2>&1 && break; sleep 0.5; done
done
for i in $(seq 1 60); do curl -s -o /dev/null "http://127.0.0.1:$BARE_PORT/" && break; sleep 0.5; done

echo "# provision-vs-bare${BARE_FLAGS:+ ($BARE_FLAGS)}: runs=$RUNS ${SECS}s each, $C connections, commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo ' +uncommitted'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
lua=tests/AddonProvider.Benchmarks/prov.lua
# Warm both up (JIT, pools) before anything is measured.
wrk -t2 -c"$C" -d3s -s "$lua" "http://127.0.0.1:$BARE_PORT" >/dev/null; wrk -t2 -c"$C" -d3s -s "$lua" "http://127.0.0.1:$WEB_PORT" >/dev/null
bare=(); ours=()
for run in $(seq 1 "$RUNS"); do
  for side in bare ours; do
    port=$BARE_PORT; [ $side = ours ] && port=$WEB_PORT
    echo "## $side run $run (load $(cut -d' ' -f1-3 /proc/loadavg))"
    out=$(wrk -t2 -c"$C" -d"${SECS}s" --latency -s "$lua" "http://127.0.0.1:$port")
    echo "$out"
    rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    if [ $side = bare ]; then bare+=("$rps"); else ours+=("$rps"); fi
  done
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
mb=$(median "${bare[@]}"); mo=$(median "${ours[@]}")
echo "## summary"
echo "bare requests/s: ${bare[*]} (median $mb)"
echo "ours requests/s: ${ours[*]} (median $mo)"
awk -v o="$mo" -v b="$mb" 'BEGIN { printf "ratio ours/bare (medians): %.2f\n", o / b }'
as_pg "$PGBIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d bench -tAc "select 'committed resources: ' || count(*) || ', distinct: ' || count(distinct id) from resources"
