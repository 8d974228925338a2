#!/usr/bin/env bash
# samples/sqs-worker: CommonJS on Node.js 22 consuming SQS batches, one downstream call per
# message, partial batch failures reported (SAM).
#   ./run.sh          run it in the local Lambda with SQS batches; print responses and trace
#   ./run.sh deploy   sam build && sam deploy (needs the SAM CLI, AWS credentials, OTEL_LAYER_ARN;
#                     OTEL_EXPORTER_OTLP_ENDPOINT, if set, is where spans go)
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

deploy() { need_sam_prerequisites && sam_deploy otel-sqs-worker; }

sample_main "$@"
