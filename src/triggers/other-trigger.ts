import { SpanKind } from '@opentelemetry/api';
import type { Trigger } from './trigger.ts';

/** A direct invoke, or any event shape no extractor recognises. */
export const OTHER_TRIGGER: Trigger = Object.freeze({ kind: SpanKind.SERVER, attributes: Object.freeze({ 'faas.trigger': 'other' }) });
