#!/usr/bin/env bash
# Start-up time of the published web (dotnet publish -c Release, as on a dyno): from exec until /health/ready answers
# 200, and the time of the first answered Partner API request after that (the first request JIT-compiles its path).
# Runs alternate between variants so a busy moment hits all alike. A variant is "default" or space-separated
# VAR=value pairs for the process (e.g. DOTNET_TieredCompilation=1 to compare against the runtimeconfig's setting).
#   usage: tests/AddonProvider.Benchmarks/startup-time.sh RUNS VARIANT...
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=$1; shift
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
PG_PORT=${BENCH_PG_PORT:-5474}; PG_DATA=/var/tmp/addonprovider-startup-pg; WEB_PORT=${BENCH_WEB_PORT:-5075}
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
OUT=/var/tmp/addonprovider-startup-web
dotnet publish -c Release -v q -nologo src/AddonProvider.Web -o "$OUT" >/dev/null
dotnet build -c Release -v q -nologo migrations >/dev/null
rm -rf "$PG_DATA"; mkdir -p "$PG_DATA"; chmod 700 "$PG_DATA"; [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$PG_DATA"
as_pg "$PGBIN/initdb" -D "$PG_DATA" -U postgres --auth=trust -E UTF8 >/dev/null
as_pg "$PGBIN/pg_ctl" -D "$PG_DATA" -l "$PG_DATA/server.log" -w -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DATA" start >/dev/null
trap 'as_pg "$PGBIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null || true' EXIT
as_pg "$PGBIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres bench
export DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/bench"
dotnet migrations/bin/Release/net10.0/AddonProvider.Migrations.dll >/dev/null
source tests/AddonProvider.Benchmarks/staging-env.sh
auth=$(printf 'mobiloud:%s' "$ADDON_MOBILOUD_PASSWORD" | base64 -w0)
echo "# startup-time: runs=$RUNS, commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo ' +uncommitted'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
for run in $(seq 1 "$RUNS"); do
  for variant in "$@"; do
    vars=(); [ "$variant" = default ] || vars=($variant)
    t0=$(date +%s%N)
    env ${vars[@]+"${vars[@]}"} PORT=$WEB_PORT "$OUT/AddonProvider.Web" --role web --contentRoot "$OUT" >/dev/null 2>&1 & pid=$!
    until curl -fsS -o /dev/null "http://127.0.0.1:$WEB_PORT/health/ready" 2>/dev/null; do sleep 0.05; done
    ready=$(ms "$t0")
    t1=$(date +%s%N)
    status=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Basic $auth" -H 'Content-Type: application/json' \
      -d "{\"uuid\":\"$(cat /proc/sys/kernel/random/uuid)\",\"plan\":\"test\",\"region\":\"amazon-web-services::us-east-1\",\"callback_url\":\"https://api.heroku.com/addons/x\",\"name\":\"bench\",\"options\":{}}" \
      "http://127.0.0.1:$WEB_PORT/heroku/resources")
    first=$(ms "$t1")
    rss=$(awk '/VmRSS/ {printf "%.1f", $2 / 1024}' /proc/$pid/status)
    kill $pid; wait $pid 2>/dev/null || true
    echo "run $run | $variant | ready after $ready ms | first provision $status in $first ms | RSS then $rss MB | load $(cut -d' ' -f1 /proc/loadavg)"
  done
done
