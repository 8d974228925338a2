import { SpanKind, type Attributes } from '@opentelemetry/api';
import { ATTR_FAAS_INVOCATION_START_TIME } from '../semconv.ts';
import { field, stringField } from './event-fields.ts';
import type { Trigger, TriggerExtractor } from './trigger.ts';

/**
 * EventBridge (CloudWatch Events) schedule rules
 * (https://docs.aws.amazon.com/lambda/latest/dg/with-eventbridge-scheduler.html#with-eventbridge-scheduler-legacy):
 * a `timer` trigger with the event's time as `faas.invocation.start_time` (`faas.time` before
 * semantic conventions 1.x renamed it). `faas.cron` is left out: the event does not carry the
 * rule's expression.
 */
export const SCHEDULED_EVENT_EXTRACTOR: TriggerExtractor = {
  name: 'scheduled-event',
  matches: (event) => field(event, 'source') === 'aws.events' && field(event, 'detail-type') === 'Scheduled Event',
  extract: extractScheduledEventTrigger,
};

export function extractScheduledEventTrigger(event: unknown): Trigger {
  const attributes: Attributes = { 'faas.trigger': 'timer' };
  const time = stringField(event, 'time');
  if (time !== undefined) attributes[ATTR_FAAS_INVOCATION_START_TIME] = time;
  return { kind: SpanKind.SERVER, attributes };
}
