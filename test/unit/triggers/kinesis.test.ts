import { SpanKind } from '@opentelemetry/api';
import { extractTrigger } from '../../../src/triggers/index.ts';
import { KINESIS_EXTRACTOR } from '../../../src/triggers/kinesis.ts';
import { loadEvent } from './event-fixtures.ts';

describe('the Kinesis trigger', () => {
  it('describes a batch as a CONSUMER span named after the stream, with its shard', () => {
    // Prepare
    const event = loadEvent('kinesis');

    // Act
    const trigger = extractTrigger(event);

    // Assess
    expect(KINESIS_EXTRACTOR.matches(event)).toBe(true);
    expect(trigger.spanName).toBe('process lambda-stream');
    expect(trigger.kind).toBe(SpanKind.CONSUMER);
    expect(trigger.attributes).toEqual({
      'faas.trigger': 'pubsub',
      'messaging.system': 'aws.kinesis',
      'messaging.system.name': 'aws.kinesis',
      'messaging.operation.type': 'process',
      'messaging.operation.name': 'process',
      'messaging.destination.name': 'lambda-stream',
      'messaging.destination.partition.id': 'shardId-000000000006',
      'messaging.batch.message_count': 2,
      'aws.kinesis.stream_name': 'lambda-stream',
    });
    expect(trigger.links).toBeUndefined();
  });

  it('reads the stream name of an enhanced fan-out consumer ARN', () => {
    // Prepare
    const event = loadEvent('kinesis');
    for (const record of event['Records'] as Array<Record<string, unknown>>) {
      record['eventSourceARN'] = 'arn:aws:kinesis:us-east-2:123456789012:stream/lambda-stream/consumer/fan-out:1710079425';
    }

    // Act
    const trigger = extractTrigger(event);

    // Assess
    expect(trigger.attributes['messaging.destination.name']).toBe('lambda-stream');
  });
});
