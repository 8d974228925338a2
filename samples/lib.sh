# Shared by samples/*/run.sh (sourced; it enters the sample's directory). A sample's run.sh defines
# `deploy` (and `build_sample` when its local run needs more than the layer) and ends with
# `sample_main "$@"`:
#   ./run.sh [local] [--report FILE]   build, run in the local Lambda, print responses and trace
#   ./run.sh deploy                    deploy with the sample's own tool
# The local run needs this repository (the local Lambda is test/sandbox/); deploy needs only the
# sample's tool and AWS credentials, and checks for them before it changes anything.

set -euo pipefail
# Both paths may be relative to where run.sh was started: resolve them before entering the sample.
REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$(dirname "${BASH_SOURCE[1]}")"
SAMPLE="$(basename "$PWD")"
MISSING=()

# Records a missing command: $1 the command, $2 what it is and where to get it.
need_command() {
  command -v "$1" >/dev/null 2>&1 || MISSING+=("$2")
}

# Records a missing variable: $1 its name, $2 what it holds.
need_env() {
  [ -n "${!1:-}" ] || MISSING+=("$1, $2")
}

# Records missing AWS credentials, as the AWS CLI sees them (the same chain SAM, CDK and Terraform use).
need_aws_credentials() {
  if ! command -v aws >/dev/null 2>&1; then
    MISSING+=("the AWS CLI (aws), to check your credentials: https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html")
    return 0
  fi
  local said
  if ! said="$(aws sts get-caller-identity --output json 2>&1 >/dev/null)"; then
    said="$(printf '%s\n' "$said" | sed '/^[[:space:]]*$/d' | tail -n 1)"
    MISSING+=("working AWS credentials (aws sts get-caller-identity: ${said:-failed}); run aws configure or aws sso login, or set AWS_PROFILE")
  fi
}

# Stops with one message listing everything missing, before anything was built or deployed.
stop_if_missing() {
  [ ${#MISSING[@]} -eq 0 ] && return 0
  {
    echo "samples/$SAMPLE/run.sh deploy: cannot deploy, missing:"
    printf '  - %s\n' "${MISSING[@]}"
    echo "Nothing was built, deployed or changed."
  } >&2
  exit 1
}

# The SAM samples' deploy: what it needs...
need_sam_prerequisites() {
  need_command sam "the AWS SAM CLI (sam): https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/install-sam-cli.html"
  need_aws_credentials
  need_env OTEL_LAYER_ARN "the layer version ARN that ../../run.sh publish prints"
}

# ...and the deploy itself, once nothing is missing: stack $1, template parameters $2... (Name=Value),
# and OtlpEndpoint from OTEL_EXPORTER_OTLP_ENDPOINT when it is set and the template has it.
sam_deploy() {
  stop_if_missing
  local stack="$1"
  shift
  if [ -n "${OTEL_EXPORTER_OTLP_ENDPOINT:-}" ] && grep -q '^  OtlpEndpoint:' template.yaml; then
    set -- "$@" "OtlpEndpoint=$OTEL_EXPORTER_OTLP_ENDPOINT"
  fi
  sam build
  sam deploy --stack-name "$stack" --resolve-s3 --capabilities CAPABILITY_IAM --no-fail-on-empty-changeset \
    --parameter-overrides "OtelLayerArn=$OTEL_LAYER_ARN" "$@"
}

sample_main() {
  local mode="${1:-local}"
  [ $# -gt 0 ] && shift
  case "$mode" in
    local)
      # Installs what is missing, builds the layer zip when its sources changed, and installs
      # the sample's own pinned packages.
      "$REPO_DIR/run.sh" build
      node "$REPO_DIR/test/setup/install-fixture-packages.mjs" "$PWD"
      if declare -F build_sample >/dev/null; then build_sample; fi
      "$REPO_DIR/node_modules/node24/bin/node" "$REPO_DIR/test/samples/run-sample.ts" "$PWD" "$@"
      ;;
    deploy)
      deploy "$@"
      ;;
    *)
      echo "usage: samples/$SAMPLE/run.sh [local [--report FILE] | deploy]" >&2
      exit 2
      ;;
  esac
}
