import { SpanKind, type Attributes } from '@opentelemetry/api';
import { describeBatchItemFailures } from './batch-item-failures.ts';
import { arnResourceName, field, isRecordBatchFrom, objectField, recordsOf, stringField } from './event-fields.ts';
import { DEFAULT_TRIGGER_OPTIONS, type Trigger, type TriggerExtractor } from './trigger.ts';

/**
 * Amazon DynamoDB Streams batches (https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html):
 * a `datasource` trigger on the table. Item keys and images are never read (they are data).
 */
export const DYNAMODB_STREAMS_EXTRACTOR: TriggerExtractor = {
  name: 'dynamodb-streams',
  matches: (event) => isRecordBatchFrom(event, 'eventSource', 'aws:dynamodb'),
  extract: extractDynamoDbStreamsTrigger,
};

const OPERATIONS: ReadonlyMap<string, string> = new Map([
  ['INSERT', 'insert'],
  ['MODIFY', 'edit'],
  ['REMOVE', 'delete'],
]);

export function extractDynamoDbStreamsTrigger(event: unknown, options = DEFAULT_TRIGGER_OPTIONS): Trigger {
  const records = recordsOf(event) ?? [];
  const attributes: Attributes = { 'faas.trigger': 'datasource' };
  // arn:aws:dynamodb:<region>:<account>:table/<table>/stream/<label>
  const table = arnResourceName(stringField(records[0], 'eventSourceARN'), 'table');
  if (table !== undefined) attributes['faas.document.collection'] = table;
  const operation = sharedOperation(records);
  if (operation !== undefined) attributes['faas.document.operation'] = operation;
  if (records.length === 1) {
    const time = isoTime(field(objectField(records[0], 'dynamodb'), 'ApproximateCreationDateTime'));
    if (time !== undefined) attributes['faas.document.time'] = time;
  }
  return {
    kind: SpanKind.SERVER,
    attributes,
    describeResponse: (json) => describeBatchItemFailures(json, { records, idOf: dynamoDbSequenceNumber, unknownIdFailsBatch: false }, options.maxFailedItemIds),
  };
}

/** A partial batch response names stream records by sequence number. */
function dynamoDbSequenceNumber(record: unknown): string | undefined {
  return stringField(objectField(record, 'dynamodb'), 'SequenceNumber');
}

/** The operation of every record, when they all agree. */
function sharedOperation(records: readonly unknown[]): string | undefined {
  let shared: string | undefined;
  for (const record of records) {
    const eventName = stringField(record, 'eventName');
    const operation = eventName === undefined ? undefined : OPERATIONS.get(eventName);
    if (operation === undefined || (shared !== undefined && operation !== shared)) return undefined;
    shared = operation;
  }
  return shared;
}

/** Epoch seconds (how DynamoDB Streams stamps records) as ISO 8601 UTC. */
function isoTime(epochSeconds: unknown): string | undefined {
  if (typeof epochSeconds !== 'number') return undefined;
  const millis = epochSeconds * 1000;
  // Date#toISOString throws outside ±8.64e15 ms.
  return Number.isFinite(millis) && Math.abs(millis) <= 8.64e15 ? new Date(millis).toISOString() : undefined;
}
