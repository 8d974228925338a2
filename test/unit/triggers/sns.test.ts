import { SpanKind } from '@opentelemetry/api';
import { extractTrigger } from '../../../src/triggers/index.ts';
import { SNS_EXTRACTOR } from '../../../src/triggers/sns.ts';
import { linkSummaries, loadEvent, traceparentIds } from './event-fixtures.ts';

describe('the SNS trigger', () => {
  it('describes a notification as a CONSUMER span named after the topic, linked to its sender', () => {
    // Prepare
    const event = loadEvent('sns');

    // Act
    const trigger = extractTrigger(event);

    // Assess
    expect(SNS_EXTRACTOR.matches(event)).toBe(true);
    expect(trigger.spanName).toBe('process order-events');
    expect(trigger.kind).toBe(SpanKind.CONSUMER);
    expect(trigger.attributes).toEqual({
      'faas.trigger': 'pubsub',
      'messaging.system': 'aws.sns',
      'messaging.system.name': 'aws.sns',
      'messaging.operation.type': 'process',
      'messaging.operation.name': 'process',
      'messaging.destination.name': 'order-events',
      'messaging.message.id': '95df01b4-ee98-5cb9-9903-4c221d41eb5e',
    });
    expect(linkSummaries(trigger.links)).toEqual([
      {
        ...traceparentIds('00-3e6a2f7b1c8d4e9fa0b1c2d3e4f50617-0f1e2d3c4b5a6978-01'),
        attributes: { 'messaging.message.id': '95df01b4-ee98-5cb9-9903-4c221d41eb5e' },
      },
    ]);
  });

  it('has no links for a notification without trace context', () => {
    // Prepare
    const event = loadEvent('sns');
    const sns = (event['Records'] as Array<{ Sns: Record<string, unknown> }>)[0]!.Sns;
    sns['MessageAttributes'] = {};

    // Act
    const trigger = extractTrigger(event);

    // Assess
    expect(trigger.links).toEqual([]);
  });
});
