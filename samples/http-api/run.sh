#!/usr/bin/env bash
# samples/http-api: an ES module on Node.js 24 behind an API Gateway HTTP API, reading DynamoDB
# and calling a downstream service (SAM).
#   ./run.sh          run it in the local Lambda with HTTP API events; print responses and trace
#   ./run.sh deploy   sam build && sam deploy (needs the SAM CLI, AWS credentials, OTEL_LAYER_ARN;
#                     OTEL_EXPORTER_OTLP_ENDPOINT, if set, is where spans go)
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

deploy() { need_sam_prerequisites && sam_deploy otel-http-api; }

sample_main "$@"
