import type { Attributes } from '@opentelemetry/api';
import { stringField } from './event-fields.ts';
import { topLevelMember } from './json-member.ts';
import type { ResultDescription } from './trigger.ts';

/** How many items of the batch the function reported as failed (the whole batch when Lambda retries all of it). */
export const BATCH_ITEM_FAILURES_COUNT = 'aws.lambda.batch_item_failures.count';
/** The failed items' identifiers (SQS message ids, stream sequence numbers) found in the batch, at most the configured number. */
export const BATCH_ITEM_FAILURES_IDS = 'aws.lambda.batch_item_failures.item_identifiers';

/** How a batch names its items, and what Lambda does with an identifier it does not know. */
export interface BatchItems {
  /** The records of the batch. */
  readonly records: readonly unknown[];
  /** A record's item identifier, as `itemIdentifier` must name it. */
  readonly idOf: (record: unknown) => string | undefined;
  /** SQS fails the whole batch when an identifier names no message of it; streams do not say so. */
  readonly unknownIdFailsBatch: boolean;
}

const NOTHING: ResultDescription = Object.freeze({ attributes: Object.freeze({}), isError: false });

/**
 * What a partial batch response (`{ batchItemFailures: [{ itemIdentifier }] }`, as the runtime
 * serialized and posted it: `json`; only that member is parsed) says, by Lambda's
 * rules for SQS (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html),
 * Kinesis and DynamoDB Streams (…/services-kinesis-batchfailurereporting.html,
 * …/services-ddb-batchfailurereporting.html): a missing, null or empty list is a complete success;
 * an entry whose `itemIdentifier` is missing, null or empty (and, for SQS, one that names no
 * message of the batch) makes the whole batch fail, and then every item counts as failed.
 *
 * It is never an error status: the invocation itself succeeded. Lambda acts on the response only
 * when the event source mapping has ReportBatchItemFailures; the span records what the function
 * returned either way.
 */
export function describeBatchItemFailures(json: string, batch: BatchItems, maxIds: number): ResultDescription {
  const failures = parsedMember(json, 'batchItemFailures');
  if (!Array.isArray(failures)) return NOTHING;
  const failed = new Set<string>();
  let known: ReadonlySet<string> | undefined;
  for (const failure of failures) {
    const id = stringField(failure, 'itemIdentifier');
    if (id === undefined) return describe(batch.records.length, idsOf(batch, maxIds));
    known ??= new Set(idsOf(batch, batch.records.length));
    if (!known.has(id) && batch.unknownIdFailsBatch) return describe(batch.records.length, idsOf(batch, maxIds));
    failed.add(id);
  }
  // Only identifiers the event itself carries are recorded: whatever else a function returns
  // there is its own data.
  const listed = known === undefined ? [] : [...takeFirst(failed, maxIds, known)];
  return describe(failed.size, listed);
}

function parsedMember(json: string, key: string): unknown {
  const member = topLevelMember(json, key);
  if (member === undefined) return undefined;
  try {
    return JSON.parse(member) as unknown;
  } catch {
    return undefined;
  }
}

function describe(count: number, ids: string[]): ResultDescription {
  const attributes: Attributes = { [BATCH_ITEM_FAILURES_COUNT]: count };
  if (ids.length > 0) attributes[BATCH_ITEM_FAILURES_IDS] = ids;
  return { attributes, isError: false };
}

function idsOf(batch: BatchItems, limit: number): string[] {
  const ids: string[] = [];
  for (const record of batch.records) {
    if (ids.length >= limit) break;
    const id = batch.idOf(record);
    if (id !== undefined) ids.push(id);
  }
  return ids;
}

function* takeFirst(values: Iterable<string>, limit: number, allowed: ReadonlySet<string>): Iterable<string> {
  if (limit <= 0) return;
  let taken = 0;
  for (const value of values) {
    if (!allowed.has(value)) continue;
    yield value;
    if (++taken >= limit) return;
  }
}
