import type { Span } from '@opentelemetry/api';
import { awsCallAttributes, awsCallSpanName } from './aws-call-attributes.ts';
import type { AwsCall } from './recognise-aws-request.ts';

/** Renames an HTTP client span `Service.Operation` (once the operation is known) and adds the call's attributes. */
export function describeAwsCall(span: Span, call: AwsCall): void {
  const name = awsCallSpanName(call);
  if (name !== undefined) span.updateName(name);
  span.setAttributes(awsCallAttributes(call));
}
