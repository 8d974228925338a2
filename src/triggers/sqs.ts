import { SpanKind, type Link } from '@opentelemetry/api';
import { describeBatchItemFailures } from './batch-item-failures.ts';
import { arnResource, field, isRecordBatchFrom, objectField, recordsOf, stringField } from './event-fields.ts';
import { linksOf, messageLink } from './message-links.ts';
import { messagingAttributes, processSpanName } from './messaging.ts';
import { DEFAULT_TRIGGER_OPTIONS, type Trigger, type TriggerExtractor } from './trigger.ts';

/**
 * Amazon SQS batches (https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html): one CONSUMER
 * span for the batch with one link per message that carries its sender's context, as the AWS
 * Lambda semantic conventions describe (https://opentelemetry.io/docs/specs/semconv/faas/aws-lambda/#sqs).
 */
export const SQS_EXTRACTOR: TriggerExtractor = {
  name: 'sqs',
  matches: (event) => isRecordBatchFrom(event, 'eventSource', 'aws:sqs'),
  extract: extractSqsTrigger,
};

export function extractSqsTrigger(event: unknown, options = DEFAULT_TRIGGER_OPTIONS): Trigger {
  const records = recordsOf(event) ?? [];
  // One event source mapping reads one queue: the first record names it for the batch.
  const queue = arnResource(stringField(records[0], 'eventSourceARN'));
  const attributes = messagingAttributes('aws_sqs', 'aws.sqs', queue);
  attributes['messaging.batch.message_count'] = records.length;
  return {
    spanName: processSpanName(queue),
    kind: SpanKind.CONSUMER,
    attributes,
    links: linksOf(records, sqsMessageLink),
    describeResponse: (json) => describeBatchItemFailures(json, { records, idOf: sqsMessageId, unknownIdFailsBatch: true }, options.maxFailedItemIds),
  };
}

function sqsMessageId(record: unknown): string | undefined {
  return stringField(record, 'messageId');
}

/**
 * A message's context: a `traceparent` message attribute (what OpenTelemetry's AWS SDK
 * instrumentation injects), else the `AWSTraceHeader` system attribute SQS sets when the sender
 * was traced by X-Ray.
 */
function sqsMessageLink(record: unknown): Link | undefined {
  const messageAttributes = objectField(record, 'messageAttributes');
  const messageId = sqsMessageId(record);
  return messageLink(
    {
      traceparent: stringField(field(messageAttributes, 'traceparent'), 'stringValue'),
      tracestate: stringField(field(messageAttributes, 'tracestate'), 'stringValue'),
      xrayHeader: stringField(objectField(record, 'attributes'), 'AWSTraceHeader'),
    },
    messageId === undefined ? {} : { 'messaging.message.id': messageId },
  );
}
