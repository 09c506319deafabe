#!/usr/bin/env bash
# Provisioning throughput through the real stack: Release builds, a private PostgreSQL, the web with --role web,
# one separate worker (--role worker), the Heroku simulator for the worker's OAuth/Platform API calls, and the
# simulator's load command at concurrency C, run by the harness's `load`, which then checks every 2xx's row in the
# database. Each run gets a fresh, migrated database.
#   usage: tests/AddonProvider.Benchmarks/provision-load.sh [N=20000] [C=16] [RUNS=3] [MODES="nogrant grant"]
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-20000}; C=${2:-16}; RUNS=${3:-3}; MODES=${4:-"nogrant grant"}
PG_PORT=${BENCH_PG_PORT:-5463}; PG_DATA=${BENCH_PG_DATA:-/var/tmp/addonprovider-bench-pg}
WEB_PORT=${BENCH_WEB_PORT:-5070}; SIM_PORT=${BENCH_SIM_PORT:-5170}
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

dotnet build -c Release -v q -nologo src/AddonProvider.Web >/dev/null
dotnet build -c Release -v q -nologo tests/AddonProvider.Harness >/dev/null
dotnet build -c Release -v q -nologo migrations >/dev/null
BIN=net10.0
if [ ! -s "$PG_DATA/PG_VERSION" ]; then
  mkdir -p "$PG_DATA"; chmod 700 "$PG_DATA"; [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$PG_DATA"
  as_pg "$PGBIN/initdb" -D "$PG_DATA" -U postgres --auth=trust -E UTF8 >/dev/null
fi
as_pg "$PGBIN/pg_ctl" -D "$PG_DATA" -l "$PG_DATA/server.log" -w -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DATA -c max_connections=200" start >/dev/null
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; as_pg "$PGBIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null || true; }
trap cleanup EXIT

export DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/bench"
source tests/AddonProvider.Benchmarks/staging-env.sh
export HEROKU_API_URL="http://127.0.0.1:$SIM_PORT" HEROKU_ID_URL="http://127.0.0.1:$SIM_PORT"
export PROVIDER_URL="http://127.0.0.1:$WEB_PORT" SIMULATOR_URL="http://127.0.0.1:$SIM_PORT"
# The simulator learns the add-ons' secrets as Heroku does: from the manifests (one OAuth client secret for both sides).
for p in mobiloud kafkacluster inference; do
  m=$(dotnet src/AddonProvider.Web/bin/Release/net10.0/AddonProvider.Web.dll manifest "$p"); up=${p^^}
  export "SIMULATOR_${up}_PASSWORD=$(jq -r .api.password <<<"$m")" "SIMULATOR_${up}_SSO_SALT=$(jq -r .api.sso_salt <<<"$m")"
  oauth_var="ADDON_${up}_OAUTH_CLIENT_SECRET"; export "SIMULATOR_${up}_OAUTH_CLIENT_SECRET=${!oauth_var}"
done
echo "# provision-load: N=$N C=$C runs=$RUNS commit=$(git rev-parse --short HEAD) cores=$(nproc) load=$(cut -d' ' -f1-3 /proc/loadavg)"
for mode in $MODES; do
  for run in $(seq 1 "$RUNS"); do
    as_pg "$PGBIN/dropdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres --if-exists bench
    as_pg "$PGBIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres bench
    dotnet migrations/bin/Release/$BIN/AddonProvider.Migrations.dll >/dev/null
    pids=()
    dotnet src/AddonProvider.Simulator/bin/Release/$BIN/AddonProvider.Simulator.dll serve --port "$SIM_PORT" >/dev/null & pids+=($!)
    PORT=$WEB_PORT dotnet src/AddonProvider.Web/bin/Release/$BIN/AddonProvider.Web.dll --role web --contentRoot "$PWD/src/AddonProvider.Web" >/dev/null & pids+=($!)
    dotnet src/AddonProvider.Web/bin/Release/$BIN/AddonProvider.Web.dll --role worker --contentRoot "$PWD/src/AddonProvider.Web" >/dev/null & pids+=($!)
    for i in $(seq 1 120); do curl -fsS "$PROVIDER_URL/health/ready" >/dev/null 2>&1 && break; sleep 0.5; done
    echo "## $mode run $run"
    flag=""; [ "$mode" = grant ] && flag="--grant"
    dotnet tests/AddonProvider.Harness/bin/Release/$BIN/AddonProvider.Harness.dll load --n "$N" --c "$C" $flag || echo "(load reported errors)"
    kill "${pids[@]}" 2>/dev/null || true; wait "${pids[@]}" 2>/dev/null || true
  done
done
