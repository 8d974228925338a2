#!/usr/bin/env bash
# samples/terraform: aws_lambda_layer_version from the layer zip plus a function using it (ES
# module, Node.js 24) behind a function URL.
#   ./run.sh          run it in the local Lambda as main.tf describes it, with function URL events
#   ./run.sh deploy   terraform init && terraform apply (needs Terraform, AWS credentials and the
#                     layer zip; OTEL_EXPORTER_OTLP_ENDPOINT, if set, is where spans go)
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

deploy() {
  need_command terraform "Terraform (terraform): https://developer.hashicorp.com/terraform/install"
  need_aws_credentials
  [ -f ../../dist/otel-lambda-layer.zip ] || MISSING+=("the layer zip: run ../../run.sh build")
  stop_if_missing
  terraform init -input=false
  terraform apply ${OTEL_EXPORTER_OTLP_ENDPOINT:+-var "otlp_endpoint=$OTEL_EXPORTER_OTLP_ENDPOINT"}
}

sample_main "$@"
