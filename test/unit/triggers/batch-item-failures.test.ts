import fc from 'fast-check';
import { BATCH_ITEM_FAILURES_COUNT, BATCH_ITEM_FAILURES_IDS } from '../../../src/triggers/batch-item-failures.ts';
import { extractTrigger, type ResultDescription } from '../../../src/triggers/index.ts';
import { describePosted, loadEvent } from './event-fixtures.ts';

type SqsRecord = { messageId: string };
type KinesisRecord = { kinesis: { sequenceNumber: string } };
type DynamoDbRecord = { dynamodb: { SequenceNumber: string } };

function describeResult(event: unknown, result: unknown, maxFailedItemIds = 50): ResultDescription | undefined {
  return describePosted(extractTrigger(event, undefined, { maxFailedItemIds }), result);
}

function failures(...ids: unknown[]): { batchItemFailures: unknown[] } {
  return { batchItemFailures: ids.map((itemIdentifier) => ({ itemIdentifier })) };
}

/** An SQS batch of `size` messages named m0, m1, … */
function sqsBatch(size: number): Record<string, unknown> {
  const event = loadEvent('sqs');
  const template = (event['Records'] as SqsRecord[])[0]!;
  event['Records'] = Array.from({ length: size }, (_, index) => ({ ...template, messageId: `m${index}` }));
  return event;
}

describe('partial batch responses', () => {
  it('record how many SQS messages failed and which, without an error status', () => {
    // Prepare
    const event = loadEvent('sqs');
    const [first, , third] = event['Records'] as SqsRecord[];

    // Act
    const described = describeResult(event, failures(first!.messageId, third!.messageId));

    // Assess
    expect(described).toEqual({
      attributes: { [BATCH_ITEM_FAILURES_COUNT]: 2, [BATCH_ITEM_FAILURES_IDS]: [first!.messageId, third!.messageId] },
      isError: false,
    });
  });

  it('record failed Kinesis and DynamoDB Streams records by sequence number', () => {
    // Prepare
    const kinesis = loadEvent('kinesis');
    const dynamodb = loadEvent('dynamodb-streams');
    const kinesisId = (kinesis['Records'] as KinesisRecord[])[1]!.kinesis.sequenceNumber;
    const dynamoDbId = (dynamodb['Records'] as DynamoDbRecord[])[0]!.dynamodb.SequenceNumber;

    // Act
    const described = [describeResult(kinesis, failures(kinesisId)), describeResult(dynamodb, failures(dynamoDbId))];

    // Assess
    expect(described).toEqual([
      { attributes: { [BATCH_ITEM_FAILURES_COUNT]: 1, [BATCH_ITEM_FAILURES_IDS]: [kinesisId] }, isError: false },
      { attributes: { [BATCH_ITEM_FAILURES_COUNT]: 1, [BATCH_ITEM_FAILURES_IDS]: [dynamoDbId] }, isError: false },
    ]);
  });

  it('keep at most the configured number of ids, and count every failed item', () => {
    // Prepare
    const event = sqsBatch(200);
    const failed = Array.from({ length: 120 }, (_, index) => `m${index}`);

    // Act
    const limited = describeResult(event, failures(...failed), 10);
    const none = describeResult(event, failures(...failed), 0);

    // Assess
    expect(limited?.attributes).toEqual({ [BATCH_ITEM_FAILURES_COUNT]: 120, [BATCH_ITEM_FAILURES_IDS]: failed.slice(0, 10) });
    expect(none?.attributes).toEqual({ [BATCH_ITEM_FAILURES_COUNT]: 120 });
  });

  it('say that every item failed in the same attributes, whether listed one by one or by an entry Lambda reads as a whole-batch failure', () => {
    // Prepare
    const event = sqsBatch(3);
    const everyItem = { [BATCH_ITEM_FAILURES_COUNT]: 3, [BATCH_ITEM_FAILURES_IDS]: ['m0', 'm1', 'm2'] };

    // Act
    const described = [
      describeResult(event, failures('m0', 'm1', 'm2')),
      describeResult(event, failures('m1', '')),
      describeResult(event, failures('m1', null)),
      describeResult(event, { batchItemFailures: [{ itemIdentifier: 'm1' }, { itemId: 'm2' }] }),
      describeResult(event, failures('not-in-this-batch')),
    ];

    // Assess
    for (const description of described) expect(description).toEqual({ attributes: everyItem, isError: false });
  });

  it('count an unknown stream sequence number as one failure without recording it: the stream rules name no whole-batch failure for it', () => {
    // Prepare
    const event = loadEvent('kinesis');
    const known = (event['Records'] as KinesisRecord[])[0]!.kinesis.sequenceNumber;

    // Act
    const described = describeResult(event, failures('1234', known));

    // Assess
    expect(described?.attributes).toEqual({ [BATCH_ITEM_FAILURES_COUNT]: 2, [BATCH_ITEM_FAILURES_IDS]: [known] });
  });

  it('record zero for an empty list and nothing without one', () => {
    // Prepare
    const event = loadEvent('sqs');

    // Act
    const described = [undefined, null, {}, { batchItemFailures: null }, { batchItemFailures: [] }, 'ok'].map((result) => describeResult(event, result)?.attributes);

    // Assess
    expect(described).toEqual([{}, {}, {}, {}, { [BATCH_ITEM_FAILURES_COUNT]: 0 }, {}]);
  });

  it('count an item listed twice once', () => {
    // Act
    const described = describeResult(sqsBatch(3), failures('m2', 'm2'));

    // Assess
    expect(described?.attributes).toEqual({ [BATCH_ITEM_FAILURES_COUNT]: 1, [BATCH_ITEM_FAILURES_IDS]: ['m2'] });
  });

  it('hold for any batch and any response: never an error, a count within the batch, ids within the limit', () => {
    const identifier = fc.oneof(fc.constantFrom('m0', 'm1', 'm2', 'm3', ''), fc.string(), fc.constant(null), fc.integer());
    const response = fc.oneof(
      fc.record({ batchItemFailures: fc.array(fc.oneof(fc.record({ itemIdentifier: identifier }), fc.jsonValue()), { maxLength: 30 }) }),
      fc.jsonValue(),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), response, fc.integer({ min: 0, max: 5 }), fc.constantFrom('sqs', 'kinesis', 'dynamodb-streams'), (size, result, maxIds, source) => {
        // Prepare
        const event = source === 'sqs' ? sqsBatch(size) : loadEvent(source);
        const batchSize = (event['Records'] as unknown[]).length;

        // Act
        const described = describeResult(event, result, maxIds);

        // Assess
        expect(described?.isError).toBe(false);
        const count = described?.attributes[BATCH_ITEM_FAILURES_COUNT];
        if (count === undefined) return;
        expect(Number.isInteger(count)).toBe(true);
        const listed = (result as { batchItemFailures: unknown[] }).batchItemFailures.length;
        expect(count as number).toBeLessThanOrEqual(Math.max(batchSize, listed));
        const ids = (described?.attributes[BATCH_ITEM_FAILURES_IDS] ?? []) as unknown[];
        expect(ids.length).toBeLessThanOrEqual(maxIds);
        expect(ids.every((id) => typeof id === 'string' && id !== '')).toBe(true);
      }),
      { seed: 20_261_128, numRuns: 500, verbose: true },
    );
  });
});
