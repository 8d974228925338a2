# An event receiver behind a Lambda Function URL, traced by the OpenTelemetry layer.
#   terraform init && terraform apply -var otel_layer_zip=path/to/otel-lambda-layer.zip

terraform {
  required_version = ">= 1.5"
  required_providers {
    aws     = { source = "hashicorp/aws", version = "~> 6.0" }
    archive = { source = "hashicorp/archive", version = "~> 2.7" }
  }
}

variable "otel_layer_zip" {
  description = "The layer zip (./run.sh build in the layer's repository writes dist/otel-lambda-layer.zip)."
  type        = string
  default     = "../../dist/otel-lambda-layer.zip"
}

variable "otlp_endpoint" {
  description = "Where spans go (OTLP/HTTP). Empty: the layer sends to localhost:4318, the collector layer's receiver."
  type        = string
  default     = ""
}

variable "events_url" {
  description = "The events service the function forwards each event to."
  type        = string
  default     = "https://events.example.com"
}

# One zip for both architectures and both Node.js runtimes (no native code).
resource "aws_lambda_layer_version" "otel" {
  layer_name               = "otel-nodejs-layer"
  description              = "Zero-code OpenTelemetry for Node.js"
  filename                 = var.otel_layer_zip
  source_code_hash         = filebase64sha256(var.otel_layer_zip)
  compatible_runtimes      = ["nodejs22.x", "nodejs24.x"]
  compatible_architectures = ["x86_64", "arm64"]
  license_info             = "Apache-2.0"
}

data "archive_file" "ingest" {
  type        = "zip"
  source_dir  = "${path.module}/src"
  output_path = "${path.module}/.build/ingest.zip"
}

resource "aws_iam_role" "ingest" {
  name_prefix = "otel-ingest-"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "lambda.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_iam_role_policy_attachment" "ingest_logs" {
  role       = aws_iam_role.ingest.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
}

resource "aws_lambda_function" "ingest" {
  function_name    = "otel-ingest"
  role             = aws_iam_role.ingest.arn
  runtime          = "nodejs24.x"
  handler          = "index.handler"
  architectures    = ["arm64"]
  memory_size      = 512
  timeout          = 10
  filename         = data.archive_file.ingest.output_path
  source_code_hash = data.archive_file.ingest.output_base64sha256
  layers           = [aws_lambda_layer_version.otel.arn]

  environment {
    variables = {
      # Lambda runs the layer's wrapper, which loads OpenTelemetry before the handler.
      AWS_LAMBDA_EXEC_WRAPPER = "/opt/otel-handler"
      EVENTS_URL              = var.events_url
      # Empty means unset: the layer then sends to localhost:4318.
      OTEL_EXPORTER_OTLP_ENDPOINT = var.otlp_endpoint
    }
  }
}

resource "aws_lambda_function_url" "ingest" {
  function_name      = aws_lambda_function.ingest.function_name
  authorization_type = "NONE"
}

output "ingest_url" {
  value = aws_lambda_function_url.ingest.function_url
}
