import { SpanKind } from '@opentelemetry/api';
import { DYNAMODB_STREAMS_EXTRACTOR } from '../../../src/triggers/dynamodb-streams.ts';
import { extractTrigger } from '../../../src/triggers/index.ts';
import { loadEvent } from './event-fixtures.ts';

describe('the DynamoDB Streams trigger', () => {
  it('describes a mixed batch by its table, with no single operation', () => {
    // Prepare
    const event = loadEvent('dynamodb-streams');

    // Act
    const trigger = extractTrigger(event);

    // Assess
    expect(DYNAMODB_STREAMS_EXTRACTOR.matches(event)).toBe(true);
    expect(trigger.spanName).toBeUndefined();
    expect(trigger.kind).toBe(SpanKind.SERVER);
    expect(trigger.attributes).toEqual({ 'faas.trigger': 'datasource', 'faas.document.collection': 'ExampleTableWithStream' });
  });

  it('describes a single insert with its operation and time, never its keys', () => {
    // Prepare
    const event = loadEvent('dynamodb-streams-insert');

    // Act
    const trigger = extractTrigger(event);

    // Assess
    expect(trigger.attributes).toEqual({
      'faas.trigger': 'datasource',
      'faas.document.collection': 'Customers',
      'faas.document.operation': 'insert',
      'faas.document.time': '2024-03-10T14:03:45.000Z',
    });
  });

  it('ignores event names it does not know, including inherited property names', () => {
    // Prepare
    const event = loadEvent('dynamodb-streams-insert');
    const record = (event['Records'] as Array<Record<string, unknown>>)[0]!;
    record['eventName'] = 'constructor';
    (record['dynamodb'] as Record<string, unknown>)['ApproximateCreationDateTime'] = 1e300;

    // Act
    const trigger = extractTrigger(event);

    // Assess
    expect(trigger.attributes).toEqual({ 'faas.trigger': 'datasource', 'faas.document.collection': 'Customers' });
  });
});
