import { defaultResource, resourceFromAttributes, type Resource } from '@opentelemetry/resources';
// The detector's own module: the package index also loads the EC2, ECS, EKS and Beanstalk
// detectors, and with them https and fs, which a Lambda cold start would pay for for nothing.
import { awsLambdaDetector } from '@opentelemetry/resource-detector-aws/build/src/detectors/AwsLambdaDetector.js';
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
