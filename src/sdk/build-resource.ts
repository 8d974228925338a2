import { defaultResource, detectResources, envDetector, resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import { awsLambdaDetector } from '@opentelemetry/resource-detector-aws';
import type { LayerConfig } from '../config/index.ts';

/**
 * The function's resource: SDK defaults, then the AWS Lambda detector (environment variables
 * only, no I/O), with `service.name` defaulting to the function name; OTEL_RESOURCE_ATTRIBUTES
 * and OTEL_SERVICE_NAME (read by the env detector, as the specification says) win over both.
 */
export function buildResource(config: LayerConfig): Resource {
  const functionDefaults = resourceFromAttributes(
    config.lambda.functionName === undefined ? {} : { 'service.name': config.lambda.functionName },
  );
  return defaultResource().merge(functionDefaults).merge(detectResources({ detectors: [awsLambdaDetector, envDetector] }));
}
