// The CDK app: one stack with an HTTP API, a bundled ES module function and the OpenTelemetry layer.
//   npx cdk deploy                                   layer from the repository's dist/ (./run.sh build)
//   npx cdk deploy -c otelLayerZip=path/to/otel-lambda-layer.zip -c otlpEndpoint=https://otlp.example.com
import { App } from 'aws-cdk-lib';
import { QuotesStack } from '../lib/quotes-stack.ts';

const app = new App();
new QuotesStack(app, 'OtelQuotes', {
  otelLayerZip: app.node.tryGetContext('otelLayerZip') ?? '../../dist/otel-lambda-layer.zip',
  otlpEndpoint: app.node.tryGetContext('otlpEndpoint'),
  pricingUrl: app.node.tryGetContext('pricingUrl') ?? 'https://pricing.example.com',
});
