#!/usr/bin/env bash
# The harness soak under different runtime settings, side by side: runs alternate between the variants (round 1: A B C,
# round 2: A B C, ...) so a busy moment hits all alike. Each variant is a space-separated list of VAR=value passed to
# both hosts through HARNESS_HOST_VAR; "default" is the published runtimeconfig alone. Prints each run's per-minute
# table and RSS samples, then a summary line per run: web max / last-minute mean RSS, operations, last-minute p99.
#   usage: tests/AddonProvider.Benchmarks/soak-host-settings.sh ROUNDS MINUTES CONCURRENCY VARIANT...
#   e.g.:  tests/AddonProvider.Benchmarks/soak-host-settings.sh 2 2 8 default "DOTNET_EnableWriteXorExecute=0"
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=$1; MINUTES=$2; C=$3; shift 3
echo "# soak-host-settings: rounds=$ROUNDS minutes=$MINUTES c=$C, commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo ' +uncommitted'), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
dotnet build -c Release -v q -nologo tests/AddonProvider.Harness >/dev/null
first=--build
summary=()
for round in $(seq 1 "$ROUNDS"); do
  for variant in "$@"; do
    vars=(); [ "$variant" = default ] || for kv in $variant; do vars+=("HARNESS_HOST_$kv"); done
    echo "## round $round: $variant (load $(cut -d' ' -f1-3 /proc/loadavg))"
    out=$(env ${vars[@]+"${vars[@]}"} dotnet run -c Release --no-build --project tests/AddonProvider.Harness -- soak --minutes "$MINUTES" --c "$C" $first 2>&1 || true)
    first=
    echo "$out" | grep -E '^\| [0-9]+ \||^RSS samples|^- operations|web RSS' || echo "$out" | tail -20
    line=$(echo "$out" | awk -v v="$variant" -v r="$round" '
      /^RSS samples/ { line = $0; sub(/^RSS samples[^)]*\): /, "", line); n = split(line, parts, ", "); for (i = 1; i <= n; i++) { split(parts[i], kv, ": "); split(kv[2], mb, "/"); at[i] = kv[1] + 0; web[i] = mb[1] + 0; if (web[i] > max) max = web[i]; last = at[i] }
                      for (i = 1; i <= n; i++) if (at[i] >= last - 60) { sum += web[i]; cnt++ } }
      /^- operations:/ { ops = $3; sub(/;/, "", ops) }
      /^\| [0-9]+ \|/ { if ($4 + 0 > 100) { p99 = $8 } }
      END { printf "round %s | %s | web max %.1f MB | last-minute mean %.1f MB | operations %s | last full minute p99 %s ms\n", r, v, max, sum / cnt, ops, p99 }')
    summary+=("$line")
  done
done
echo "## summary"
printf '%s\n' "${summary[@]}"
