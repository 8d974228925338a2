import { SpanKind } from '@opentelemetry/api';
import { field, stringField } from './event-fields.ts';
import { messagingAttributes, processSpanName } from './messaging.ts';
import type { Trigger, TriggerExtractor } from './trigger.ts';

/**
 * Amazon EventBridge events (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-events-structure.html),
 * after schedule rules (./scheduled-event.ts). The event names no bus, so the span is named
 * after its `source`, the low-cardinality name of whoever emits the events. `detail` is never read.
 */
export const EVENTBRIDGE_EXTRACTOR: TriggerExtractor = {
  name: 'eventbridge',
  matches: (event) => typeof field(event, 'detail-type') === 'string' && typeof field(event, 'source') === 'string',
  extract: extractEventBridgeTrigger,
};

export function extractEventBridgeTrigger(event: unknown): Trigger {
  const source = stringField(event, 'source');
  const attributes = messagingAttributes('aws.eventbridge', 'aws.eventbridge', undefined);
  const id = stringField(event, 'id');
  if (id !== undefined) attributes['messaging.message.id'] = id;
  if (source !== undefined) attributes['aws.eventbridge.source'] = source;
  const detailType = stringField(event, 'detail-type');
  if (detailType !== undefined) attributes['aws.eventbridge.detail_type'] = detailType;
  return { spanName: processSpanName(source), kind: SpanKind.CONSUMER, attributes };
}
