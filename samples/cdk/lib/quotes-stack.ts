import { join } from 'node:path';
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { HttpApi, HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Architecture, Code, LayerVersion, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Construct } from 'constructs';

export interface QuotesStackProps extends StackProps {
  /** The layer zip (`./run.sh build` in the layer's repository writes dist/otel-lambda-layer.zip). */
  readonly otelLayerZip: string;
  /** Where spans go; unset, the layer sends to localhost:4318 (the collector layer's receiver). */
  readonly otlpEndpoint?: string;
  /** The downstream pricing service the function calls. */
  readonly pricingUrl: string;
}

export class QuotesStack extends Stack {
  constructor(scope: Construct, id: string, props: QuotesStackProps) {
    super(scope, id, props);

    // One zip for both architectures and both Node.js runtimes (no native code).
    const otel = new LayerVersion(this, 'OtelLayer', {
      code: Code.fromAsset(props.otelLayerZip),
      compatibleRuntimes: [Runtime.NODEJS_22_X, Runtime.NODEJS_24_X],
      compatibleArchitectures: [Architecture.X86_64, Architecture.ARM_64],
      description: 'Zero-code OpenTelemetry for Node.js',
    });

    const quotes = new NodejsFunction(this, 'Quotes', {
      entry: join(import.meta.dirname, '..', 'lambda', 'quotes.ts'),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: 512,
      timeout: Duration.seconds(10),
      layers: [otel],
      environment: {
        // Lambda runs the layer's wrapper, which loads OpenTelemetry before the handler.
        AWS_LAMBDA_EXEC_WRAPPER: '/opt/otel-handler',
        PRICING_URL: props.pricingUrl,
        ...(props.otlpEndpoint ? { OTEL_EXPORTER_OTLP_ENDPOINT: props.otlpEndpoint } : {}),
      },
      // esbuild writes index.mjs; the layer wraps ES module handlers as they are.
      bundling: { format: OutputFormat.ESM, target: 'node24' },
    });

    const api = new HttpApi(this, 'Api');
    api.addRoutes({ path: '/quotes/{sku}', methods: [HttpMethod.GET], integration: new HttpLambdaIntegration('QuotesIntegration', quotes) });
    new CfnOutput(this, 'QuotesUrl', { value: `${api.apiEndpoint}/quotes/{sku}` });
  }
}
