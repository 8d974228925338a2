import type { Attributes } from '@opentelemetry/api';
import type { AwsCall } from './recognise-aws-request.ts';

// The aws-sdk instrumentation's attribute names (its enums.ts and semconv.ts), so that a call
// reads the same whether the SDK was bundled or not.
export const ATTR_RPC_SYSTEM = 'rpc.system';
export const ATTR_RPC_SERVICE = 'rpc.service';
export const ATTR_RPC_METHOD = 'rpc.method';
export const ATTR_CLOUD_REGION = 'cloud.region';
export const ATTR_AWS_S3_BUCKET = 'aws.s3.bucket';
export const ATTR_AWS_REQUEST_ID = 'aws.request.id';
export const ATTR_AWS_REQUEST_EXTENDED_ID = 'aws.request.extended_id';
/** The semantic conventions' name for the request id (aws.request_id, 1.45); written beside the instrumentation's. */
export const ATTR_AWS_REQUEST_ID_SEMCONV = 'aws.request_id';
/** The semantic conventions' name for S3's extended request id (`x-amz-id-2`), likewise. */
export const ATTR_AWS_EXTENDED_REQUEST_ID_SEMCONV = 'aws.extended_request_id';

/** `Service.Operation`, as the aws-sdk instrumentation names its spans; undefined while the operation is unknown. */
export function awsCallSpanName(call: Pick<AwsCall, 'service' | 'operation'>): string | undefined {
  return call.operation === undefined ? undefined : `${call.service}.${call.operation}`;
}

export function awsCallAttributes(call: AwsCall): Attributes {
  const attributes: Attributes = { [ATTR_RPC_SYSTEM]: 'aws-api', [ATTR_RPC_SERVICE]: call.service };
  if (call.operation !== undefined) attributes[ATTR_RPC_METHOD] = call.operation;
  if (call.region !== undefined) attributes[ATTR_CLOUD_REGION] = call.region;
  if (call.bucket !== undefined) attributes[ATTR_AWS_S3_BUCKET] = call.bucket;
  return attributes;
}

/**
 * The request ids a response carries, read from its headers as the SDK reads them into
 * `$metadata` (`x-amzn-requestid`, else `x-amzn-request-id`, else S3's `x-amz-request-id`; S3's
 * `x-amz-id-2` is the extended id). Error responses carry them too.
 */
export function awsResponseAttributes(header: (name: string) => string | undefined): Attributes {
  const attributes: Attributes = {};
  const requestId = header('x-amzn-requestid') ?? header('x-amzn-request-id') ?? header('x-amz-request-id');
  if (requestId !== undefined && requestId !== '') {
    attributes[ATTR_AWS_REQUEST_ID] = requestId;
    attributes[ATTR_AWS_REQUEST_ID_SEMCONV] = requestId;
  }
  const extendedId = header('x-amz-id-2');
  if (extendedId !== undefined && extendedId !== '') {
    attributes[ATTR_AWS_REQUEST_EXTENDED_ID] = extendedId;
    attributes[ATTR_AWS_EXTENDED_REQUEST_ID_SEMCONV] = extendedId;
  }
  return attributes;
}
