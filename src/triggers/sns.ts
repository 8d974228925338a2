import { SpanKind, type Link } from '@opentelemetry/api';
import { arnResource, field, isRecordBatchFrom, objectField, recordsOf, stringField } from './event-fields.ts';
import { linksOf, messageLink } from './message-links.ts';
import { messagingAttributes, processSpanName } from './messaging.ts';
import type { Trigger, TriggerExtractor } from './trigger.ts';

/**
 * Amazon SNS notifications (https://docs.aws.amazon.com/lambda/latest/dg/with-sns.html). Lambda
 * delivers one message per invocation, so the span carries its `messaging.message.id` and no
 * batch count (the conventions leave the count to batch operations).
 */
export const SNS_EXTRACTOR: TriggerExtractor = {
  name: 'sns',
  matches: (event) => isRecordBatchFrom(event, 'EventSource', 'aws:sns'),
  extract: extractSnsTrigger,
};

export function extractSnsTrigger(event: unknown): Trigger {
  const records = recordsOf(event) ?? [];
  const first = objectField(records[0], 'Sns');
  const topic = arnResource(stringField(first, 'TopicArn'));
  const attributes = messagingAttributes('aws.sns', 'aws.sns', topic);
  const messageId = stringField(first, 'MessageId');
  if (records.length !== 1) attributes['messaging.batch.message_count'] = records.length;
  else if (messageId !== undefined) attributes['messaging.message.id'] = messageId;
  return { spanName: processSpanName(topic), kind: SpanKind.CONSUMER, attributes, links: linksOf(records, snsMessageLink) };
}

/** A `traceparent` message attribute (`{ Type: 'String', Value }`), as OpenTelemetry's AWS SDK instrumentation publishes it. */
function snsMessageLink(record: unknown): Link | undefined {
  const sns = objectField(record, 'Sns');
  const messageAttributes = objectField(sns, 'MessageAttributes');
  const messageId = stringField(sns, 'MessageId');
  return messageLink(
    {
      traceparent: stringField(field(messageAttributes, 'traceparent'), 'Value'),
      tracestate: stringField(field(messageAttributes, 'tracestate'), 'Value'),
      xrayHeader: undefined,
    },
    messageId === undefined ? {} : { 'messaging.message.id': messageId },
  );
}
