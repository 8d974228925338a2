import { SpanKind } from '@opentelemetry/api';
import { EVENTBRIDGE_EXTRACTOR } from '../../../src/triggers/eventbridge.ts';
import { extractTrigger } from '../../../src/triggers/index.ts';
import { SCHEDULED_EVENT_EXTRACTOR } from '../../../src/triggers/scheduled-event.ts';
import { loadEvent } from './event-fixtures.ts';
import { ATTR_FAAS_INVOCATION_START_TIME } from '../../../src/semconv.ts';

describe('the EventBridge trigger', () => {
  it('describes a custom event as a CONSUMER span named after its source, never reading detail', () => {
    // Prepare
    const event = loadEvent('eventbridge');

    // Act
    const trigger = extractTrigger(event);

    // Assess
    expect(EVENTBRIDGE_EXTRACTOR.matches(event)).toBe(true);
    expect(SCHEDULED_EVENT_EXTRACTOR.matches(event)).toBe(false);
    expect(trigger.spanName).toBe('process com.example.orders');
    expect(trigger.kind).toBe(SpanKind.CONSUMER);
    expect(trigger.attributes).toEqual({
      'faas.trigger': 'pubsub',
      'messaging.system': 'aws.eventbridge',
      'messaging.system.name': 'aws.eventbridge',
      'messaging.operation.type': 'process',
      'messaging.operation.name': 'process',
      'messaging.message.id': '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
      'aws.eventbridge.source': 'com.example.orders',
      'aws.eventbridge.detail_type': 'Order Placed',
    });
  });
});

describe('the scheduled event trigger', () => {
  it('describes a schedule rule as a timer with the event time', () => {
    // Prepare
    const event = loadEvent('scheduled-event');

    // Act
    const trigger = extractTrigger(event);

    // Assess
    expect(SCHEDULED_EVENT_EXTRACTOR.matches(event)).toBe(true);
    expect(trigger.spanName).toBeUndefined();
    expect(trigger.kind).toBe(SpanKind.SERVER);
    expect(trigger.attributes).toEqual({ 'faas.trigger': 'timer', [ATTR_FAAS_INVOCATION_START_TIME]: '2015-10-08T16:53:06Z' });
  });
});
