#!/usr/bin/env bash
# samples/cdk: a TypeScript CDK app; NodejsFunction bundles the handler with esbuild into an ES
# module, with the layer and AWS_LAMBDA_EXEC_WRAPPER, behind an HTTP API.
#   ./run.sh          cdk synth, then run the bundle synth wrote (cdk.out) in the local Lambda
#   ./run.sh deploy   cdk deploy (needs npm ci here, AWS credentials and a bootstrapped account;
#                     OTEL_EXPORTER_OTLP_ENDPOINT, if set, is where spans go)
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

# The local run traces what CDK would deploy: the template and the bundle in cdk.out. Off here:
# telemetry and notices (they reach for the network) and CloudFormation rule validation (about 8 s
# of CPU per synth; `cdk deploy` still runs it).
build_sample() {
  PATH="$REPO_DIR/node_modules/node24/bin:$PATH" CDK_DISABLE_CLI_TELEMETRY=true CDK_VALIDATION=false npx cdk synth --quiet --no-notices
}

deploy() {
  need_command npx "Node.js and npm: https://nodejs.org"
  [ -x node_modules/.bin/cdk ] || MISSING+=("the CDK CLI and libraries of this app: run npm ci in samples/$SAMPLE")
  need_aws_credentials
  [ -f ../../dist/otel-lambda-layer.zip ] || MISSING+=("the layer zip: run ../../run.sh build")
  stop_if_missing
  npx cdk deploy ${OTEL_EXPORTER_OTLP_ENDPOINT:+-c "otlpEndpoint=$OTEL_EXPORTER_OTLP_ENDPOINT"}
}

sample_main "$@"
