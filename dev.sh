#!/usr/bin/env bash
# AddonProvider's two commands (README.md):
#   ./dev.sh run    runs the service locally; without DATABASE_URL it brings its own PostgreSQL
#   ./dev.sh test   runs every test and ends with "N passed, N failed"
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo "$@"
  else die "this needs root: run  sudo $*  and try again"; fi
}

apt_install() {
  command -v apt-get >/dev/null || die "apt-get not found; install $* with your package manager"
  log "installing $* from apt"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

need_dotnet() {
  command -v dotnet >/dev/null || die ".NET SDK 10 is required: https://learn.microsoft.com/dotnet/core/install/linux-debian (then re-run)"
}

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }

need_postgres_binaries() {
  [ -n "$(pg_bin)" ] && [ -x "$(pg_bin)/initdb" ] || apt_install postgresql
  [ -x "$(pg_bin)/initdb" ] || die "PostgreSQL server binaries not found after install"
}

# A private cluster outside the checkout (postgres cannot enter a 0700 home), on port 5433.
PG_PORT=${ADDONPROVIDER_PG_PORT:-5433}
PG_DATA=${ADDONPROVIDER_PG_DATA:-/var/tmp/addonprovider-pg-$(id -un)}

pg_as_owner() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

start_local_postgres() {
  need_postgres_binaries
  local bin; bin=$(pg_bin)
  if [ ! -s "$PG_DATA/PG_VERSION" ]; then
    log "creating a private PostgreSQL cluster in $PG_DATA"
    mkdir -p "$PG_DATA"; chmod 700 "$PG_DATA"
    [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$PG_DATA"
    pg_as_owner "$bin/initdb" -D "$PG_DATA" -U postgres --auth=trust -E UTF8 >/dev/null
  fi
  if ! pg_as_owner "$bin/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
    log "starting PostgreSQL on 127.0.0.1:$PG_PORT"
    pg_as_owner "$bin/pg_ctl" -D "$PG_DATA" -l "$PG_DATA/server.log" -w \
      -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DATA" start >/dev/null
  fi
  pg_as_owner "$bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='addonprovider'" | grep -q 1 \
    || pg_as_owner "$bin/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres addonprovider
  export DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/addonprovider"
}

# The browser tests drive Debian's Chromium through Playwright (never `playwright install`, which downloads).
need_chromium() {
  [ -x /usr/bin/chromium ] || apt_install chromium
  [ -x /usr/bin/chromium ] || die "Chromium not found at /usr/bin/chromium after install"
}

docker_answers() { command -v docker >/dev/null && timeout 5 docker info >/dev/null 2>&1; }

need_jq() { command -v jq >/dev/null || apt_install jq; }

PRODUCTS="mobiloud kafkacluster inference"

# The simulator plays Heroku, so it learns each add-on's Basic-auth password and SSO salt the way Heroku does:
# from the manifest the app prints (SIMULATOR_<PRODUCT>_PASSWORD / _SSO_SALT). The OAuth client secret is Heroku's
# to issue: one per run unless ADDON_<PRODUCT>_OAUTH_CLIENT_SECRET is set, given to both sides.
share_addon_secrets() {
  local web=$1 p up manifest password salt secret_var
  need_jq
  for p in $PRODUCTS; do
    up=${p^^}
    manifest=$($web manifest "$p") || die "\`manifest $p\` failed (see above)"
    password=$(jq -er .api.password <<<"$manifest") || die "the $p manifest has no api.password"
    salt=$(jq -er .api.sso_salt <<<"$manifest") || die "the $p manifest has no api.sso_salt"
    export "SIMULATOR_${up}_PASSWORD=$password" "SIMULATOR_${up}_SSO_SALT=$salt"
    secret_var="ADDON_${up}_OAUTH_CLIENT_SECRET"
    [ -n "${!secret_var:-}" ] || export "$secret_var=dev-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
    export "SIMULATOR_${up}_OAUTH_CLIENT_SECRET=${!secret_var}"
  done
}

cmd_run() {
  need_dotnet
  if [ -z "${DATABASE_URL:-}" ]; then
    if docker_answers; then
      log "DATABASE_URL is unset and Docker answers: starting PostgreSQL with docker compose"
      docker compose up -d --wait db
      export DATABASE_URL="postgres://postgres:postgres@127.0.0.1:$PG_PORT/addonprovider"
    else
      start_local_postgres
    fi
  fi
  export ASPNETCORE_ENVIRONMENT=${ASPNETCORE_ENVIRONMENT:-Development}
  export PORT=${PORT:-5000}
  log "migrating"
  dotnet run --project migrations

  # The Heroku simulator plays Heroku's side (OAuth, Platform API) unless real URLs are given.
  local sim_port=${SIMULATOR_PORT:-5100}
  export SIMULATOR_URL=${SIMULATOR_URL:-http://localhost:$sim_port}
  export PROVIDER_URL=${PROVIDER_URL:-http://localhost:$PORT}
  export HEROKU_API_URL=${HEROKU_API_URL:-$SIMULATOR_URL} HEROKU_ID_URL=${HEROKU_ID_URL:-$SIMULATOR_URL}
  log "building"
  dotnet build src/AddonProvider.Web -v q -nologo >/dev/null
  dotnet build src/AddonProvider.Simulator -v q -nologo >/dev/null
  local web="dotnet src/AddonProvider.Web/bin/Debug/net10.0/AddonProvider.Web.dll"
  local sim="dotnet src/AddonProvider.Simulator/bin/Debug/net10.0/AddonProvider.Simulator.dll"
  share_addon_secrets "$web"
  local pids=()
  trap 'kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null' EXIT INT TERM
  log "starting the Heroku simulator on $SIMULATOR_URL"
  $sim serve --port "$sim_port" & pids+=($!)
  log "starting web + worker on http://localhost:$PORT (Ctrl-C stops both)"
  $web --role all --contentRoot "$ROOT/src/AddonProvider.Web" & pids+=($!)

  local i
  for i in $(seq 1 120); do
    curl -fsS "http://localhost:$PORT/health/ready" >/dev/null 2>&1 && break
    kill -0 "${pids[1]}" 2>/dev/null || die "the service stopped during start-up (see its output above)"
    sleep 0.5
  done
  log "provisioning one demo resource per product through the simulator"
  local links=() spec id
  for spec in mobiloud:test kafkacluster:free inference:cohere-rerank-3-5; do
    id=$(cat /proc/sys/kernel/random/uuid)
    $sim provision "$spec" --grant --uuid "$id" >/dev/null || die "provisioning $spec failed"
    links+=("${spec%%:*}  $($sim sso "$id")")
  done
  printf '\n\033[1mDashboards (the links sign you in through SSO):\033[0m\n'
  printf '  %s\n' "${links[@]}"
  printf '\n'
  wait "${pids[1]}"
}

cmd_test() {
  need_dotnet
  [ -n "${ADDONPROVIDER_TEST_DB:-}" ] || need_postgres_binaries
  need_chromium
  local results="$ROOT/artifacts/test-results"
  rm -rf "$results"; mkdir -p "$results"
  local status=0
  dotnet test AddonProvider.sln --logger "trx" --results-directory "$results" "$@" || status=$?
  local passed=0 failed=0 p f
  for trx in "$results"/*.trx; do
    [ -e "$trx" ] || continue
    p=$(grep -o '<Counters [^>]*' "$trx" | grep -o ' passed="[0-9]*"' | grep -o '[0-9]*' || echo 0)
    f=$(grep -o '<Counters [^>]*' "$trx" | grep -o ' failed="[0-9]*"' | grep -o '[0-9]*' || echo 0)
    passed=$((passed + p)); failed=$((failed + f))
  done
  if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi # the run itself broke (build error, crash)
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}

case "${1:-}" in
  run) shift; cmd_run "$@" ;;
  test) shift; cmd_test "$@" ;;
  *) echo "usage: ./dev.sh run | ./dev.sh test [dotnet test args]" >&2; exit 2 ;;
esac
