#!/usr/bin/env bash
# One-click entry point.
#   ./run.sh           install what is missing, build the layer, run a sample function with it
#                      in the local Lambda and print the responses and the trace
#   ./run.sh test      the full test suite (same as `npm test` after installing)
#   ./run.sh bench     the benchmark (npm run bench)
#   ./run.sh publish   publish the built zip as a Lambda layer with the AWS CLI
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

NATIVE_CLIENTS=(node_modules/aws-lambda-ric-v3/dist/rapid-client.node node_modules/aws-lambda-ric-v4/rapid-client.node)

install_system_packages() {
  # aws-lambda-ric v3 builds its native client from source with autotools. The database servers
  # are for the instrumentation tests (test/support/database-servers.ts starts private instances
  # on loopback; the system services are never started).
  local missing=()
  for pkg in autoconf automake libtool make g++ cmake postgresql mariadb-server redis-server; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
    echo "run.sh: please install ${missing[*]} (aws-lambda-ric's native client is built with them; the tests run the database servers)" >&2
    exit 1
  fi
  echo "run.sh: installing ${missing[*]}"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

install_node_packages() {
  local stale=0
  [ -f node_modules/.package-lock.json ] || stale=1
  [ $stale -eq 0 ] && [ package-lock.json -nt node_modules/.package-lock.json ] && stale=1
  for native in "${NATIVE_CLIENTS[@]}"; do [ -f "$native" ] || stale=1; done
  if [ $stale -eq 1 ]; then
    echo "run.sh: installing npm dependencies (builds aws-lambda-ric's native clients; a few minutes the first time)"
    # `npm install`, not `npm ci`: npm 11 leaves optional platform packages (unrs-resolver's)
    # out of the lockfile and `npm ci` then refuses it as out of sync.
    npm install --no-audit --no-fund --loglevel=error
  fi
  # npm 11 skips install scripts it was not told to allow; without them the runtime clients
  # cannot start, so say so plainly instead of failing later inside a test.
  for native in "${NATIVE_CLIENTS[@]}"; do
    if [ ! -f "$native" ]; then
      echo "run.sh: $native was not built: npm did not run aws-lambda-ric's install scripts (see allowScripts in package.json)" >&2
      exit 1
    fi
  done
}

ensure_installed() {
  install_system_packages
  install_node_packages
  # Fixtures and samples pin their own registry packages (test/fixtures/**/package-lock.json).
  node test/setup/install-fixture-packages.mjs
}

publish_layer() {
  if ! command -v aws >/dev/null; then
    echo "run.sh publish: the AWS CLI (aws) is not installed; install it and configure credentials first." >&2
    exit 1
  fi
  if ! aws sts get-caller-identity >/dev/null 2>&1; then
    echo "run.sh publish: the AWS CLI has no working credentials (aws sts get-caller-identity failed)." >&2
    exit 1
  fi
  npm run build
  aws lambda publish-layer-version \
    --layer-name "${LAYER_NAME:-otel-nodejs-layer}" \
    --description "Zero-code OpenTelemetry for Node.js" \
    --license-info Apache-2.0 \
    --zip-file fileb://dist/otel-lambda-layer.zip \
    --compatible-runtimes nodejs22.x nodejs24.x \
    --compatible-architectures x86_64 arm64 \
    --query LayerVersionArn --output text
}

case "${1:-demo}" in
  demo)
    ensure_installed
    npm run --silent build
    node_modules/node24/bin/node test/demo/demo.ts
    ;;
  test)
    ensure_installed
    npm test
    ;;
  bench)
    ensure_installed
    npm run bench
    ;;
  publish)
    publish_layer
    ;;
  *)
    echo "usage: ./run.sh [demo|test|bench|publish]" >&2
    exit 2
    ;;
esac
