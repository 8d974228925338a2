import type { Attributes } from '@opentelemetry/api';
import { ATTR_FAAS_INVOCATION_ID } from '../semconv.ts';

/** The parts of the runtime's context object the layer reads (shape shared by ric v3 and v4). */
export interface LambdaContextLike {
  readonly functionName?: string;
  readonly awsRequestId?: string;
  readonly invokedFunctionArn?: string;
  readonly xRayTraceId?: string;
  getRemainingTimeInMillis?(): number;
}

/**
 * Span attributes of the invocation, by the FaaS semantic conventions
 * (https://opentelemetry.io/docs/specs/semconv/faas/aws-lambda/). Resource-level attributes
 * (faas.name, cloud.region, ...) come from the AWS Lambda resource detector instead.
 */
export function invocationAttributes(context: LambdaContextLike, coldStart: boolean): Attributes {
  const attributes: Attributes = { 'faas.coldstart': coldStart };
  if (context.awsRequestId !== undefined) attributes[ATTR_FAAS_INVOCATION_ID] = context.awsRequestId;
  const arn = context.invokedFunctionArn;
  if (arn !== undefined) {
    attributes['cloud.resource_id'] = arn;
    // arn:aws:lambda:<region>:<account-id>:function:<name>[:<qualifier>]
    const accountId = arn.split(':')[4];
    if (accountId !== undefined && accountId !== '') attributes['cloud.account.id'] = accountId;
  }
  return attributes;
}
