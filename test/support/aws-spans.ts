import type { DecodedSpan } from '../sandbox/index.ts';

/** What a span says about an AWS API call, by the aws-sdk instrumentation's attribute names. */
export interface AwsCallView {
  readonly name: string;
  readonly service: unknown;
  readonly operation: unknown;
  readonly region: unknown;
  readonly status: unknown;
  readonly bucket: unknown;
  readonly requestId: unknown;
}

export function awsCallView(span: DecodedSpan): AwsCallView {
  const attributes = span.attributes;
  return {
    name: span.name,
    service: attributes['rpc.service'],
    operation: attributes['rpc.method'],
    region: attributes['cloud.region'],
    status: attributes['http.response.status_code'],
    bucket: attributes['aws.s3.bucket'],
    requestId: attributes['aws.request.id'],
  };
}

/** The semantic conventions' request id attribute, written beside the instrumentation's `aws.request.id`. */
export function semconvRequestIdOf(span: DecodedSpan): unknown {
  return span.attributes['aws.request_id'];
}

/** The scope of the spans the aws-sdk instrumentation makes (SDK not bundled). */
export const AWS_SDK_SCOPE = '@opentelemetry/instrumentation-aws-sdk';
/** The scope of the layer's own spans of AWS calls sent over HTTP/2 (src/aws-requests/http2-aws-calls.ts). */
export const LAYER_HTTP2_SCOPE = 'otel-lambda-layer/aws-requests';
