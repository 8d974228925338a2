import { SpanKind, type Attributes } from '@opentelemetry/api';
import { isRecordBatchFrom, objectField, recordsOf, stringField } from './event-fields.ts';
import type { Trigger, TriggerExtractor } from './trigger.ts';

/**
 * Amazon S3 event notifications (https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html):
 * a `datasource` trigger with the FaaS document attributes. S3 sends one record per
 * notification; should a batch hold more, only what they share (the bucket) is described.
 */
export const S3_EXTRACTOR: TriggerExtractor = {
  name: 's3',
  matches: (event) => isRecordBatchFrom(event, 'eventSource', 'aws:s3'),
  extract: extractS3Trigger,
};

export function extractS3Trigger(event: unknown): Trigger {
  const records = recordsOf(event) ?? [];
  const record = records[0];
  const s3 = objectField(record, 's3');
  const attributes: Attributes = { 'faas.trigger': 'datasource' };
  const bucket = stringField(objectField(s3, 'bucket'), 'name');
  if (bucket !== undefined) attributes['faas.document.collection'] = bucket;
  if (records.length === 1) {
    const operation = documentOperation(stringField(record, 'eventName'));
    if (operation !== undefined) attributes['faas.document.operation'] = operation;
    const key = objectKey(stringField(objectField(s3, 'object'), 'key'));
    if (key !== undefined) attributes['faas.document.name'] = key;
    const time = stringField(record, 'eventTime');
    if (time !== undefined) attributes['faas.document.time'] = time;
  }
  return { kind: SpanKind.SERVER, attributes };
}

/** S3 event types (https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-how-to-event-types-and-destinations.html) as document operations. */
function documentOperation(eventName: string | undefined): string | undefined {
  if (eventName === undefined) return undefined;
  if (eventName.startsWith('ObjectCreated:')) return 'insert';
  if (eventName.startsWith('ObjectRemoved:') || eventName.startsWith('LifecycleExpiration:')) return 'delete';
  if (
    eventName.startsWith('ObjectRestore:') ||
    eventName.startsWith('ObjectTagging:') ||
    eventName.startsWith('ObjectAcl:') ||
    eventName.startsWith('LifecycleTransition') ||
    eventName.startsWith('IntelligentTiering')
  ) {
    return 'edit';
  }
  return undefined;
}

/** Object keys arrive URL-encoded with `+` for spaces; a key that does not decode is kept as sent. */
function objectKey(encoded: string | undefined): string | undefined {
  if (encoded === undefined) return undefined;
  try {
    return decodeURIComponent(encoded.replaceAll('+', ' '));
  } catch {
    return encoded;
  }
}
