#!/usr/bin/env bash
# samples/container-image: a Lambda container image on the AWS Node.js 24 base image, with the
# layer's files in /opt and AWS_LAMBDA_EXEC_WRAPPER set, run on an EventBridge schedule.
#   ./run.sh          unpack the layer into layer/, lay out the image's files as the Dockerfile
#                     does and run them in the local Lambda with scheduled events
#   ./run.sh deploy   docker build and push to ECR, then create or update the function and its
#                     schedule (needs Docker, AWS credentials, a region and LAMBDA_ROLE_ARN)
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

FUNCTION=otel-report-job

# The build context's layer/: what `COPY layer/ /opt/` takes.
build_sample() {
  "$REPO_DIR/node_modules/node24/bin/node" "$REPO_DIR/test/samples/unpack-layer.ts" layer
}

deploy() {
  need_command docker "Docker (docker): https://docs.docker.com/get-docker/"
  if command -v docker >/dev/null 2>&1 && ! docker info >/dev/null 2>&1; then MISSING+=("a running Docker engine (docker info failed)"); fi
  need_aws_credentials
  local region="${AWS_REGION:-${AWS_DEFAULT_REGION:-}}"
  if [ -z "$region" ] && command -v aws >/dev/null 2>&1; then region="$(aws configure get region 2>/dev/null || true)"; fi
  [ -n "$region" ] || MISSING+=("a region: set AWS_REGION or run aws configure")
  need_env LAMBDA_ROLE_ARN "the function's execution role (one with AWSLambdaBasicExecutionRole is enough)"
  [ -f ../../dist/otel-lambda-layer.zip ] || MISSING+=("the layer zip: run ../../run.sh build")
  stop_if_missing

  local account registry image
  account="$(aws sts get-caller-identity --query Account --output text)"
  registry="$account.dkr.ecr.$region.amazonaws.com"
  image="$registry/$FUNCTION:latest"
  build_sample
  aws ecr describe-repositories --region "$region" --repository-names "$FUNCTION" >/dev/null 2>&1 ||
    aws ecr create-repository --region "$region" --repository-name "$FUNCTION" >/dev/null
  aws ecr get-login-password --region "$region" | docker login --username AWS --password-stdin "$registry"
  docker build --platform linux/arm64 --provenance=false -t "$image" .
  docker push "$image"

  local variables="ORDERS_URL=${ORDERS_URL:-https://orders.example.com},REPORTS_URL=${REPORTS_URL:-https://reports.example.com}${OTEL_EXPORTER_OTLP_ENDPOINT:+,OTEL_EXPORTER_OTLP_ENDPOINT=$OTEL_EXPORTER_OTLP_ENDPOINT}"
  local arn
  if arn="$(aws lambda get-function --region "$region" --function-name "$FUNCTION" --query Configuration.FunctionArn --output text 2>/dev/null)"; then
    aws lambda update-function-code --region "$region" --function-name "$FUNCTION" --image-uri "$image" >/dev/null
  else
    arn="$(aws lambda create-function --region "$region" --function-name "$FUNCTION" --package-type Image --code "ImageUri=$image" \
      --role "$LAMBDA_ROLE_ARN" --architectures arm64 --memory-size 512 --timeout 30 \
      --environment "Variables={$variables}" --query FunctionArn --output text)"
  fi
  # Every night at 02:00 UTC.
  local rule
  rule="$(aws events put-rule --region "$region" --name "$FUNCTION-nightly" --schedule-expression 'cron(0 2 * * ? *)' --query RuleArn --output text)"
  aws lambda add-permission --region "$region" --function-name "$FUNCTION" --statement-id "$FUNCTION-nightly" \
    --action lambda:InvokeFunction --principal events.amazonaws.com --source-arn "$rule" >/dev/null 2>&1 || true # granted by an earlier deploy
  aws events put-targets --region "$region" --rule "$FUNCTION-nightly" --targets "Id=$FUNCTION,Arn=$arn" >/dev/null
  echo "deployed $arn ($image), invoked every night at 02:00 UTC"
}

sample_main "$@"
