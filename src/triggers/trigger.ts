import type { Attributes, Context, Link, SpanKind } from '@opentelemetry/api';
import { DEFAULT_BATCH_ITEM_FAILURES_MAX_IDS } from '../config/index.ts';

/** What an event source tells about an invocation, by the semantic conventions. */
export interface Trigger {
  /** e.g. `GET /orders/{id}` for HTTP sources; the function name when undefined. */
  readonly spanName?: string;
  readonly kind: SpanKind;
  /** Includes `faas.trigger`. Never event bodies, secrets or authorization headers. */
  readonly attributes: Attributes;
  /** Context carried by the event itself (W3C headers); the invocation's X-Ray header is not the trigger's business. */
  readonly parent?: Context;
  /** One link per record whose context the event carries (queues, streams). */
  readonly links?: readonly Link[];
  /**
   * Attributes and error status from the response of a buffered invocation (e.g. the HTTP
   * status code): `json` is the response exactly as the runtime serialized and posted it, so no
   * value of the function is read again (its getters and toJSON ran once, in the runtime).
   */
  readonly describeResponse?: (json: string) => ResultDescription;
}

export interface ResultDescription {
  readonly attributes: Attributes;
  /** True when the result means the invocation failed although the handler returned (HTTP 5xx). */
  readonly isError: boolean;
}

/** Settings an extractor may use, from the layer's configuration. */
export interface TriggerOptions {
  /** At most this many failed item identifiers are recorded from a partial batch response. */
  readonly maxFailedItemIds: number;
}

export const DEFAULT_TRIGGER_OPTIONS: TriggerOptions = Object.freeze({ maxFailedItemIds: DEFAULT_BATCH_ITEM_FAILURES_MAX_IDS });

/**
 * One event source. `matches` is a cheap type guard on the event's shape; `extract` may assume
 * it matched. Both must never throw: the registry guards them anyway.
 */
export interface TriggerExtractor {
  readonly name: string;
  matches(event: unknown): boolean;
  extract(event: unknown, options?: TriggerOptions): Trigger;
}
