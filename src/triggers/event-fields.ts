/**
 * Safe reads from an event of unknown shape. Events arrive as parsed JSON, so a field is an own
 * property or missing; every reader returns undefined instead of throwing on the wrong type.
 */

export type EventObject = Readonly<Record<string, unknown>>;

export function isObject(value: unknown): value is EventObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `value[key]` when `value` is an object, else undefined. */
export function field(value: unknown, key: string): unknown {
  return isObject(value) ? value[key] : undefined;
}

/** A non-empty string field. */
export function stringField(value: unknown, key: string): string | undefined {
  const found = field(value, key);
  return typeof found === 'string' && found !== '' ? found : undefined;
}

export function objectField(value: unknown, key: string): EventObject | undefined {
  const found = field(value, key);
  return isObject(found) ? found : undefined;
}

/** The `Records` array of a batch event (SQS, SNS, S3, DynamoDB, Kinesis). */
export function recordsOf(event: unknown): readonly unknown[] | undefined {
  const records = field(event, 'Records');
  return Array.isArray(records) ? records : undefined;
}

/**
 * Whether the first record of a batch comes from `source`. Lambda never sends an empty batch;
 * an empty one is described as `other`, since nothing tells where it came from.
 */
export function isRecordBatchFrom(event: unknown, sourceKey: 'eventSource' | 'EventSource', source: string): boolean {
  const records = recordsOf(event);
  return records !== undefined && field(records[0], sourceKey) === source;
}

/**
 * The resource part of an ARN after its fifth colon: `arn:aws:sqs:us-east-1:123456789012:orders`
 * → `orders` (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html).
 */
export function arnResource(arn: string | undefined): string | undefined {
  if (arn === undefined || !arn.startsWith('arn:')) return undefined;
  let index = -1;
  for (let colons = 0; colons < 5; colons++) {
    index = arn.indexOf(':', index + 1);
    if (index < 0) return undefined;
  }
  const resource = arn.slice(index + 1);
  return resource === '' ? undefined : resource;
}

/** The name in a `<type>/<name>[/...]` ARN resource: `table/Orders/stream/2024-…` → `Orders`. */
export function arnResourceName(arn: string | undefined, type: string): string | undefined {
  const resource = arnResource(arn);
  const prefix = `${type}/`;
  if (resource === undefined || !resource.startsWith(prefix)) return undefined;
  const end = resource.indexOf('/', prefix.length);
  const name = resource.slice(prefix.length, end < 0 ? undefined : end);
  return name === '' ? undefined : name;
}
