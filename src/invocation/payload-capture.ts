import type { Span } from '@opentelemetry/api';
import type { PayloadCaptureSettings } from '../config/index.ts';
import type { InvocationExtension } from './invocation-extension.ts';
import { serializePayload } from './payload-serializer.ts';

/** The invocation's event as JSON, redacted and bounded (only with OTEL_LAMBDA_CAPTURE_PAYLOAD=true). */
export const EVENT_ATTRIBUTE = 'aws.lambda.event';
/** The handler's result as JSON, redacted and bounded (only with OTEL_LAMBDA_CAPTURE_PAYLOAD=true). */
export const RESPONSE_ATTRIBUTE = 'aws.lambda.response';

/**
 * Records the event as the invocation starts (before the handler can change it) and the result
 * when the handler returns (a failed invocation records its exception instead), for debugging,
 * the way Datadog's DD_CAPTURE_LAMBDA_PAYLOAD does. Off by default: payloads are the user's
 * data. What is recorded is decided in one place, ./payload-serializer.ts.
 */
export function payloadCapture(settings: PayloadCaptureSettings): InvocationExtension {
  if (!settings.enabled) return { name: 'payload capture' };
  const record = (span: Span, attribute: string, value: unknown): void => {
    const serialized = serializePayload(value, settings);
    if (serialized !== undefined) span.setAttribute(attribute, serialized.text);
  };
  return {
    name: 'payload capture',
    started: (span, start) => record(span, EVENT_ATTRIBUTE, start.event),
    ending: (span, outcome) => {
      if (outcome.status === 'ok') record(span, RESPONSE_ATTRIBUTE, outcome.result);
    },
  };
}
