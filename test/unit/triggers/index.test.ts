import { SpanKind } from '@opentelemetry/api';
import { OTHER_TRIGGER, TRIGGER_EXTRACTORS, extractTrigger, type TriggerExtractor } from '../../../src/triggers/index.ts';
import { eventFixtureNames, loadEvent } from './event-fixtures.ts';

/** Which extractor each fixture belongs to; undefined: none (the `other` trigger). */
const EXPECTED_EXTRACTOR: Record<string, string | undefined> = {
  alb: 'alb',
  'alb-multi-value': 'alb',
  'api-gateway-http': 'api-gateway-http',
  'api-gateway-http-default-route': 'api-gateway-http',
  'api-gateway-rest': 'api-gateway-rest',
  'api-gateway-rest-minimal': 'api-gateway-rest',
  'direct-invoke': undefined,
  'dynamodb-streams': 'dynamodb-streams',
  'dynamodb-streams-insert': 'dynamodb-streams',
  'empty-batch': undefined,
  eventbridge: 'eventbridge',
  'function-url': 'function-url',
  kinesis: 'kinesis',
  's3-delete': 's3',
  's3-put': 's3',
  'scheduled-event': 'scheduled-event',
  sns: 'sns',
  sqs: 'sqs',
  'sqs-fifo-untraced': 'sqs',
};

const FAAS_TRIGGER_BY_EXTRACTOR: Record<string, string> = {
  alb: 'http',
  'api-gateway-http': 'http',
  'api-gateway-rest': 'http',
  'function-url': 'http',
  sqs: 'pubsub',
  sns: 'pubsub',
  kinesis: 'pubsub',
  eventbridge: 'pubsub',
  s3: 'datasource',
  'dynamodb-streams': 'datasource',
  'scheduled-event': 'timer',
};

describe('the trigger registry', () => {
  it('has an expectation for every event fixture', () => {
    expect(eventFixtureNames()).toEqual(Object.keys(EXPECTED_EXTRACTOR).sort());
  });

  it.each(Object.entries(EXPECTED_EXTRACTOR))('sends the %s fixture to the %s extractor', (fixture, expected) => {
    // Prepare
    const event = loadEvent(fixture);

    // Act
    const first = TRIGGER_EXTRACTORS.find((extractor) => extractor.matches(event));
    const trigger = extractTrigger(event);

    // Assess
    expect(first?.name).toBe(expected);
    expect(trigger.attributes['faas.trigger']).toBe(expected === undefined ? 'other' : FAAS_TRIGGER_BY_EXTRACTOR[expected]);
  });

  it('describes a direct invoke, and anything unrecognised, as other', () => {
    // Prepare
    const events: unknown[] = [loadEvent('direct-invoke'), undefined, null, 'text', 42, [], {}, { Records: [{}] }];

    // Act
    const triggers = events.map((event) => extractTrigger(event));

    // Assess
    triggers.forEach((trigger) => expect(trigger).toBe(OTHER_TRIGGER));
    expect(OTHER_TRIGGER.kind).toBe(SpanKind.SERVER);
  });

  it('describes the invocation as other when an extractor throws', () => {
    // Prepare
    const throwing: TriggerExtractor = {
      name: 'throwing',
      matches: () => true,
      extract: () => {
        throw new Error('boom');
      },
    };
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);

    // Act
    const trigger = extractTrigger(loadEvent('sqs'), [throwing, ...TRIGGER_EXTRACTORS]);

    // Assess
    write.mockRestore();
    expect(trigger).toBe(OTHER_TRIGGER);
  });
});
