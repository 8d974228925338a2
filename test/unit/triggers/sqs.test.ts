import { SpanKind } from '@opentelemetry/api';
import { extractTrigger } from '../../../src/triggers/index.ts';
import { MAX_LINKS } from '../../../src/triggers/message-links.ts';
import { SQS_EXTRACTOR } from '../../../src/triggers/sqs.ts';
import { linkSummaries, loadEvent, traceparentIds, xrayIds } from './event-fixtures.ts';

type SqsRecord = { messageId: string; attributes: Record<string, string>; messageAttributes: Record<string, { stringValue?: string }> };

describe('the SQS trigger', () => {
  it('describes a batch as one CONSUMER span named after the queue', () => {
    // Prepare
    const event = loadEvent('sqs');

    // Act
    const trigger = extractTrigger(event);

    // Assess
    expect(SQS_EXTRACTOR.matches(event)).toBe(true);
    expect(trigger.spanName).toBe('process orders-queue');
    expect(trigger.kind).toBe(SpanKind.CONSUMER);
    expect(trigger.parent).toBeUndefined();
    expect(trigger.attributes).toEqual({
      'faas.trigger': 'pubsub',
      'messaging.system': 'aws_sqs',
      'messaging.system.name': 'aws.sqs',
      'messaging.operation.type': 'process',
      'messaging.operation.name': 'process',
      'messaging.destination.name': 'orders-queue',
      'messaging.batch.message_count': 3,
    });
  });

  it('links SQS records that carry AWSTraceHeader or a traceparent message attribute', () => {
    // Prepare
    const event = loadEvent('sqs');
    const records = event['Records'] as SqsRecord[];

    // Act
    const trigger = extractTrigger(event);

    // Assess
    expect(linkSummaries(trigger.links)).toEqual([
      { ...xrayIds(records[0]!.attributes['AWSTraceHeader']!), attributes: { 'messaging.message.id': records[0]!.messageId } },
      { ...traceparentIds(records[1]!.messageAttributes['traceparent']!.stringValue!), attributes: { 'messaging.message.id': records[1]!.messageId } },
      // Unsampled senders are linked too: a link does not decide sampling.
      { ...xrayIds(records[2]!.attributes['AWSTraceHeader']!), attributes: { 'messaging.message.id': records[2]!.messageId } },
    ]);
    expect(trigger.links![1]!.context.traceState?.serialize()).toBe('vendor=opaque');
  });

  it('prefers a traceparent message attribute over AWSTraceHeader on the same record', () => {
    // Prepare
    const event = loadEvent('sqs');
    const record = (event['Records'] as SqsRecord[])[0]!;
    record.messageAttributes['traceparent'] = { stringValue: '00-11111111111111111111111111111111-2222222222222222-01' };

    // Act
    const trigger = extractTrigger(event);

    // Assess
    expect(linkSummaries(trigger.links)[0]).toMatchObject({ traceId: '11111111111111111111111111111111', spanId: '2222222222222222' });
  });

  it('skips records without a valid context and keeps the batch count', () => {
    // Prepare
    const event = loadEvent('sqs-fifo-untraced');

    // Act
    const trigger = extractTrigger(event);

    // Assess
    expect(trigger.spanName).toBe('process fifo.fifo');
    expect(trigger.links).toEqual([]);
    expect(trigger.attributes['messaging.batch.message_count']).toBe(1);
  });

  it(`links at most ${MAX_LINKS} records of a large batch`, () => {
    // Prepare
    const template = (loadEvent('sqs')['Records'] as SqsRecord[])[0]!;
    const records = Array.from({ length: 1000 }, (_, index) => ({ ...template, messageId: `m-${index}` }));

    // Act
    const trigger = extractTrigger({ Records: records });

    // Assess
    expect(trigger.links).toHaveLength(MAX_LINKS);
    expect(trigger.attributes['messaging.batch.message_count']).toBe(1000);
  });

  it('leaves an empty batch to the other trigger: nothing says where it came from', () => {
    // Prepare
    const event = loadEvent('empty-batch');

    // Act
    const trigger = extractTrigger(event);

    // Assess
    expect(SQS_EXTRACTOR.matches(event)).toBe(false);
    expect(trigger.attributes).toEqual({ 'faas.trigger': 'other' });
  });

  it('names the span by the operation alone when the queue ARN is missing or malformed', () => {
    // Prepare
    const event = loadEvent('sqs');
    const records = event['Records'] as Array<Record<string, unknown>>;
    records[0]!['eventSourceARN'] = 'not-an-arn';

    // Act
    const trigger = extractTrigger(event);

    // Assess
    expect(trigger.spanName).toBe('process');
    expect(trigger.attributes).not.toHaveProperty(['messaging.destination.name']);
  });
});
