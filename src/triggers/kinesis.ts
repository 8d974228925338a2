import { SpanKind } from '@opentelemetry/api';
import { describeBatchItemFailures } from './batch-item-failures.ts';
import { arnResourceName, isRecordBatchFrom, objectField, recordsOf, stringField } from './event-fields.ts';
import { messagingAttributes, processSpanName } from './messaging.ts';
import { DEFAULT_TRIGGER_OPTIONS, type Trigger, type TriggerExtractor } from './trigger.ts';

/**
 * Amazon Kinesis Data Streams batches (https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html).
 * A Kinesis record carries no trace context outside its data, which is never read, so there
 * are no links.
 */
export const KINESIS_EXTRACTOR: TriggerExtractor = {
  name: 'kinesis',
  matches: (event) => isRecordBatchFrom(event, 'eventSource', 'aws:kinesis'),
  extract: extractKinesisTrigger,
};

export function extractKinesisTrigger(event: unknown, options = DEFAULT_TRIGGER_OPTIONS): Trigger {
  const records = recordsOf(event) ?? [];
  const first = records[0];
  // arn:aws:kinesis:<region>:<account>:stream/<name>, or …:stream/<name>/consumer/<consumer>:<ts>
  // for enhanced fan-out.
  const stream = arnResourceName(stringField(first, 'eventSourceARN'), 'stream');
  const attributes = messagingAttributes('aws.kinesis', 'aws.kinesis', stream);
  attributes['messaging.batch.message_count'] = records.length;
  if (stream !== undefined) attributes['aws.kinesis.stream_name'] = stream;
  // eventID is `<shard id>:<sequence number>`; a batch always comes from one shard.
  const eventId = stringField(first, 'eventID');
  const colon = eventId === undefined ? -1 : eventId.indexOf(':');
  if (eventId !== undefined && colon > 0) attributes['messaging.destination.partition.id'] = eventId.slice(0, colon);
  return {
    spanName: processSpanName(stream),
    kind: SpanKind.CONSUMER,
    attributes,
    describeResponse: (json) => describeBatchItemFailures(json, { records, idOf: kinesisSequenceNumber, unknownIdFailsBatch: false }, options.maxFailedItemIds),
  };
}

/** A partial batch response names Kinesis records by sequence number. */
function kinesisSequenceNumber(record: unknown): string | undefined {
  return stringField(objectField(record, 'kinesis'), 'sequenceNumber');
}
