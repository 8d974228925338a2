import { defaultResource, resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import { awsLambdaDetector } from '@opentelemetry/resource-detector-aws';
import type { LayerConfig } from '../config/index.ts';

/**
 * The function's resource: SDK defaults, then the AWS Lambda detector (environment variables
 * only, no I/O), with `service.name` defaulting to the function name; OTEL_RESOURCE_ATTRIBUTES
 * and then OTEL_SERVICE_NAME win over both, as the specification orders them.
 */
export function buildResource(config: LayerConfig): Resource {
  const functionName = config.lambda.functionName;
  const detected = awsLambdaDetector.detect().attributes ?? {};
  return defaultResource()
    .merge(resourceFromAttributes({ ...(functionName === undefined ? {} : { 'service.name': functionName }), ...detected }))
    .merge(resourceFromAttributes(config.resourceAttributes))
    .merge(resourceFromAttributes(config.serviceName === undefined ? {} : { 'service.name': config.serviceName }));
}
