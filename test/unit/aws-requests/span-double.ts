import type { Attributes, Span } from '@opentelemetry/api';

/** A span that records what is done to it (unit tests only). */
export interface SpanDouble {
  readonly span: Span;
  readonly name: () => string | undefined;
  readonly attributes: Attributes;
  /** How many times anything was done to it. */
  readonly touches: () => number;
}

export function spanDouble(recording = true): SpanDouble {
  let name: string | undefined;
  let touches = 0;
  const attributes: Attributes = {};
  const span = {
    isRecording: () => recording,
    updateName(next: string) {
      touches++;
      name = next;
      return span;
    },
    setAttributes(added: Attributes) {
      touches++;
      Object.assign(attributes, added);
      return span;
    },
    setAttribute(key: string, value: unknown) {
      touches++;
      attributes[key] = value as Attributes[string];
      return span;
    },
  };
  return { span: span as unknown as Span, name: () => name, attributes, touches: () => touches };
}
