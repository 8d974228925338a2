#!/usr/bin/env bash
# One-click entry point.
#   ./run.sh           install what is missing, build the layer, run the http-api sample with it
#                      in the local Lambda and print the responses and the trace
#   ./run.sh test      the full test suite (same as `npm test` after installing)
#   ./run.sh bench     the benchmark (npm run bench)
#   ./run.sh build     install what the build needs, build the layer zip if its sources changed
#   ./run.sh publish [--regions a,b] [--public] [--layer-name NAME]
#                      build and publish the layer with the AWS CLI; prints each version ARN
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

# The layer zip, rebuilt only when a file it is built from is newer.
build_layer() {
  local zip=dist/otel-lambda-layer.zip
  if [ -f "$zip" ] && [ -z "$(find src layer-build otel-handler package.json package-lock.json -newer "$zip" ! -name publish-layer.mjs -print -quit)" ]; then
    return 0
  fi
  npm run --silent build
}

case "${1:-demo}" in
  demo)
    samples/http-api/run.sh
    echo "More samples, each with its own run.sh: samples/sqs-worker, samples/cdk, samples/terraform, samples/container-image, samples/with-collector"
    ;;
  test)
    ensure_installed
    npm test
    ;;
  bench)
    ensure_installed
    npm run bench
    ;;
  build)
    install_system_packages
    install_node_packages
    build_layer
    ;;
  publish)
    shift
    # Checks the AWS CLI and credentials before anything else, then runs `./run.sh build`.
    node layer-build/publish-layer.mjs "$@"
    ;;
  *)
    echo "usage: ./run.sh [demo|test|bench|build|publish [--regions a,b] [--public] [--layer-name NAME]]" >&2
    exit 2
    ;;
esac
