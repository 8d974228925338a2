import type { Attributes } from '@opentelemetry/api';

/**
 * Attributes every messaging trigger shares, by the messaging semantic conventions
 * (https://opentelemetry.io/docs/specs/semconv/messaging/messaging-spans/): Lambda's event source
 * mapping has received the messages, the function processes them.
 *
 * The system is written under both `messaging.system` (what backends and the AWS SDK
 * instrumentation use today) and `messaging.system.name`, which replaces it in the current
 * registry (semantic-conventions 1.45: `aws_sqs` became `aws.sqs`, other values unchanged).
 */
export function messagingAttributes(system: string, systemName: string, destination: string | undefined): Attributes {
  const attributes: Attributes = {
    'faas.trigger': 'pubsub',
    'messaging.system': system,
    'messaging.system.name': systemName,
    'messaging.operation.type': 'process',
    'messaging.operation.name': 'process',
  };
  if (destination !== undefined) attributes['messaging.destination.name'] = destination;
  return attributes;
}

/** `{operation} {destination}`, or the operation alone when the destination is unknown. */
export function processSpanName(destination: string | undefined): string {
  return destination === undefined ? 'process' : `process ${destination}`;
}
