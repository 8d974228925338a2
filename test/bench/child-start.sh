#!/bin/bash
# What a trivial node child process of the function costs, bare and with a layer's preload in
# NODE_OPTIONS (as every child of the runtime inherits it): median wall time of N starts,
# interleaved so machine drift cancels. The runtime's variables are set, so a layer that starts
# in children starts in full.
#
#   test/bench/child-start.sh [N] [OTHER_LAYER_DIR]     e.g. test/bench/child-start.sh 31 ../main/dist/opt
#
# Needs `npm run build` and the unpacked layer in dist/opt (the e2e setup makes it).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
runs="${1:-21}"
other="${2:-}"
node="$root/node_modules/node24/bin/node"
child="$root/test/fixtures/handlers/children/report.js"
export LAMBDA_TASK_ROOT="$root/test/fixtures/handlers/cjs" _HANDLER=index.handler AWS_LAMBDA_FUNCTION_NAME=child-start \
  OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:9 OTEL_LAMBDA_FLUSH_MODE=deferred AWS_LAMBDA_RUNTIME_API=127.0.0.1:9

start_ms() { # prints tenths of a millisecond
  local began ended
  began=$(date +%s%N)
  env "$@" "$node" "$child" >/dev/null 2>&1 || true
  ended=$(date +%s%N)
  echo $(((ended - began) / 100000))
}
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { printf "%.1f", v[int((NR + 1) / 2)] / 10 }'; }

bare=() this=() that=()
for _ in $(seq 1 "$runs"); do
  bare+=("$(start_ms NODE_OPTIONS=)")
  this+=("$(start_ms NODE_OPTIONS="--import $root/dist/opt/otel-lambda/bootstrap.mjs")")
  [ -n "$other" ] && that+=("$(start_ms NODE_OPTIONS="--import $other/otel-lambda/bootstrap.mjs")")
done
echo "node child start, median of $runs: bare $(median "${bare[@]}") ms, this layer $(median "${this[@]}") ms${other:+, $other $(median "${that[@]}") ms}"
