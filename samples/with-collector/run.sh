#!/usr/bin/env bash
# samples/with-collector: this layer beside the OpenTelemetry Collector Lambda layer, which
# receives on localhost:4318 and exports to your backend (SAM).
#   ./run.sh          run it in the local Lambda, with a stand-in for the collector's extension
#   ./run.sh deploy   sam build && sam deploy (needs the SAM CLI, AWS credentials, OTEL_LAYER_ARN,
#                     COLLECTOR_LAYER_ARN and OTEL_BACKEND_ENDPOINT)
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

deploy() {
  need_sam_prerequisites
  need_env COLLECTOR_LAYER_ARN "the OpenTelemetry Collector Lambda layer's ARN for your region and architecture"
  need_env OTEL_BACKEND_ENDPOINT "your backend's OTLP/HTTP URL"
  stop_if_missing
  sam_deploy otel-with-collector "CollectorLayerArn=$COLLECTOR_LAYER_ARN" "BackendEndpoint=$OTEL_BACKEND_ENDPOINT" \
    ${OTEL_BACKEND_AUTHORIZATION:+"BackendAuthorization=$OTEL_BACKEND_AUTHORIZATION"}
}

sample_main "$@"
