import {
  diag,
  SpanStatusCode,
  type Attributes,
  type AttributeValue,
  type Exception,
  type HrTime,
  type Link,
  type Span,
  type SpanContext,
  type SpanKind,
  type SpanStatus,
  type TimeInput,
} from '@opentelemetry/api';
import { addHrTimes, hrTime, hrTimeDuration, isAttributeValue, isTimeInput, isTimeInputHrTime, millisToHrTime, otperformance, sanitizeAttributes, type InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace';
import type { SpanLimits } from '../config/index.ts';

/** What a span needs from the tracer that made it, shared by every span of that tracer. */
export interface SpanHost {
  readonly resource: Resource;
  readonly scope: InstrumentationScope;
  readonly limits: SpanLimits;
  /** Runs the span processors' onEnding and onEnd, then queues the span for export. */
  spanEnded(span: LeanSpan): void;
}

export interface LeanSpanOptions {
  readonly name: string;
  readonly kind: SpanKind;
  readonly spanContext: SpanContext;
  readonly parentSpanContext: SpanContext | undefined;
  readonly startTime: TimeInput | undefined;
}

// https://opentelemetry.io/docs/specs/semconv/exceptions/exceptions-spans/
const EXCEPTION_EVENT = 'exception';
const EXCEPTION_TYPE = 'exception.type';
const EXCEPTION_MESSAGE = 'exception.message';
const EXCEPTION_STACKTRACE = 'exception.stacktrace';
// Shared by spans without links or events; frozen, so a processor that pushes into one fails
// (in its guard) instead of adding to every span.
const NO_LINKS = Object.freeze([]) as unknown as Link[];
const NO_EVENTS = Object.freeze([]) as unknown as TimedEvent[];
const UNSET: SpanStatus = Object.freeze({ code: SpanStatusCode.UNSET });

/**
 * A span with the SDK span's semantics (limits, truncation, status rules, times, exceptions; the
 * SDK's SpanImpl is the reference and the unit tests compare the two) and its ReadableSpan shape,
 * so user span processors and exporters take it as it is. What it leaves out is what a span
 * lives without in a function: no per-span closures or metrics, links and events arrays only
 * when a span has some, one attribute object (the SDK copies the start attributes three times),
 * and no Error (with its stack) for each call on an ended span. Once ended and handed to the
 * processors, the provider encodes it and keeps nothing of it.
 */
export class LeanSpan implements Span, ReadableSpan {
  readonly kind: SpanKind;
  readonly parentSpanContext: SpanContext | undefined;
  readonly startTime: HrTime;
  readonly resource: Resource;
  readonly instrumentationScope: InstrumentationScope;
  name: string;
  attributes: Attributes;
  links: Link[] = NO_LINKS;
  events: TimedEvent[] = NO_EVENTS;
  status: SpanStatus = UNSET;
  endTime: HrTime = [0, 0];
  droppedAttributesCount = 0;
  droppedEventsCount = 0;
  droppedLinksCount = 0;
  ended = false;
  private readonly context: SpanContext;
  private readonly host: SpanHost;
  private attributeCount = 0;
  private readonly performanceStart: number;
  private readonly performanceOffset: number;
  private readonly startTimeProvided: boolean;

  constructor(host: SpanHost, options: LeanSpanOptions, attributes: Attributes | undefined, links: readonly Link[] | undefined) {
    const now = Date.now();
    this.host = host;
    this.context = options.spanContext;
    this.name = options.name;
    this.kind = options.kind;
    this.parentSpanContext = options.parentSpanContext;
    this.resource = host.resource;
    this.instrumentationScope = host.scope;
    this.performanceStart = otperformance.now();
    this.performanceOffset = now - (this.performanceStart + otperformance.timeOrigin);
    this.startTimeProvided = options.startTime != null;
    this.attributes = {};
    if (links !== undefined) for (const link of links) this.addLink(link);
    this.startTime = this.timeOf(options.startTime ?? now);
    if (attributes !== undefined && !this.adopt(attributes)) this.setAttributes(attributes);
  }

  /**
   * Takes the tracer's sanitized start attributes as the span's own when setting them one by one
   * would keep them all unchanged (within the count limit, no length limit, no empty values):
   * one object per span instead of two.
   */
  private adopt(attributes: Attributes): boolean {
    const { attributeCountLimit, attributeValueLengthLimit } = this.host.limits;
    if (attributeValueLengthLimit !== Infinity) return false;
    let count = 0;
    for (const key in attributes) {
      if (!Object.prototype.hasOwnProperty.call(attributes, key)) continue;
      const value = attributes[key];
      if (value == null || key.length === 0 || ++count > attributeCountLimit) return false;
    }
    this.attributes = attributes;
    this.attributeCount = count;
    return true;
  }

  spanContext(): SpanContext {
    return this.context;
  }

  get duration(): HrTime {
    return this.ended ? hrTimeDuration(this.startTime, this.endTime) : [-1, -1];
  }

  isRecording(): boolean {
    return !this.ended;
  }

  setAttribute(key: string, value: AttributeValue | undefined): this {
    if (value == null || this.warnIfEnded()) return this;
    if (key.length === 0) {
      diag.warn(`Invalid attribute key: ${key}`);
      return this;
    }
    if (!isAttributeValue(value)) {
      diag.warn(`Invalid attribute value set for key: ${key}`);
      return this;
    }
    const isNewKey = !Object.prototype.hasOwnProperty.call(this.attributes, key);
    if (isNewKey && this.attributeCount >= this.host.limits.attributeCountLimit) {
      this.droppedAttributesCount++;
      return this;
    }
    this.attributes[key] = this.truncated(value);
    if (isNewKey) this.attributeCount++;
    return this;
  }

  setAttributes(attributes: Attributes): this {
    for (const key in attributes) {
      if (Object.prototype.hasOwnProperty.call(attributes, key)) this.setAttribute(key, attributes[key]);
    }
    return this;
  }

  addEvent(name: string, attributesOrStartTime?: Attributes | TimeInput, startTime?: TimeInput): this {
    if (this.warnIfEnded()) return this;
    const { eventCountLimit, attributePerEventCountLimit } = this.host.limits;
    if (eventCountLimit === 0) {
      diag.warn('No events allowed.');
      this.droppedEventsCount++;
      return this;
    }
    if (this.events === NO_EVENTS) this.events = [];
    if (this.events.length >= eventCountLimit) {
      if (this.droppedEventsCount === 0) diag.debug('Dropping extra events.');
      this.events.shift();
      this.droppedEventsCount++;
    }
    let time = startTime;
    let given: Attributes | undefined = attributesOrStartTime as Attributes | undefined;
    if (isTimeInput(attributesOrStartTime)) {
      if (!isTimeInput(time)) time = attributesOrStartTime;
      given = undefined;
    }
    const { attributes, dropped } = this.limitedAttributes(given, attributePerEventCountLimit);
    this.events.push({ name, attributes, time: this.timeOf(time), droppedAttributesCount: dropped });
    return this;
  }

  addLink(link: Link): this {
    if (this.warnIfEnded()) return this;
    const { linkCountLimit, attributePerLinkCountLimit } = this.host.limits;
    if (linkCountLimit === 0) {
      this.droppedLinksCount++;
      return this;
    }
    if (this.links === NO_LINKS) this.links = [];
    if (this.links.length >= linkCountLimit) {
      if (this.droppedLinksCount === 0) diag.debug('Dropping extra links.');
      this.links.shift();
      this.droppedLinksCount++;
    }
    const { attributes, dropped, count } = this.limitedAttributes(link.attributes, attributePerLinkCountLimit);
    const kept: Link = { context: link.context };
    if (count > 0) kept.attributes = attributes;
    if (dropped > 0) kept.droppedAttributesCount = dropped;
    this.links.push(kept);
    return this;
  }

  addLinks(links: Link[]): this {
    for (const link of links) this.addLink(link);
    return this;
  }

  setStatus(status: SpanStatus): this {
    if (this.warnIfEnded()) return this;
    // OK is final; UNSET never overrides (https://opentelemetry.io/docs/specs/otel/trace/api/#set-status).
    if (status.code === SpanStatusCode.UNSET || this.status.code === SpanStatusCode.OK) return this;
    const next: SpanStatus = { code: status.code };
    if (status.code === SpanStatusCode.ERROR) {
      if (typeof status.message === 'string') next.message = status.message;
      else if (status.message != null) diag.warn(`Dropping invalid status.message of type '${typeof status.message}', expected 'string'`);
    }
    this.status = next;
    return this;
  }

  updateName(name: string): this {
    if (!this.warnIfEnded()) this.name = name;
    return this;
  }

  end(endTime?: TimeInput): void {
    if (this.ended) {
      diag.error(`${this.name} ${this.context.traceId}-${this.context.spanId} - You can only call end() on a span once.`);
      return;
    }
    this.endTime = this.timeOf(endTime);
    const duration = hrTimeDuration(this.startTime, this.endTime);
    if (duration[0] < 0) {
      diag.warn('Inconsistent start and end time, startTime > endTime. Setting span duration to 0ms.', this.startTime, this.endTime);
      this.endTime = this.startTime.slice() as HrTime;
    }
    if (this.droppedEventsCount > 0) diag.warn(`Dropped ${this.droppedEventsCount} events because eventCountLimit reached`);
    if (this.droppedLinksCount > 0) diag.warn(`Dropped ${this.droppedLinksCount} links because linkCountLimit reached`);
    this.host.spanEnded(this);
  }

  /** Called by the provider between the processors' onEnding and onEnd, as the SDK orders them. */
  markEnded(): void {
    this.ended = true;
  }

  recordException(exception: Exception, time?: TimeInput): void {
    const attributes: Attributes = {};
    if (typeof exception === 'string') {
      attributes[EXCEPTION_MESSAGE] = exception;
    } else if (exception) {
      if (exception.code) attributes[EXCEPTION_TYPE] = exception.code.toString();
      else if (exception.name) attributes[EXCEPTION_TYPE] = exception.name;
      if (exception.message) attributes[EXCEPTION_MESSAGE] = exception.message;
      if (exception.stack) attributes[EXCEPTION_STACKTRACE] = exception.stack;
    }
    // The specification's minimum: a type or a message.
    if (attributes[EXCEPTION_TYPE] || attributes[EXCEPTION_MESSAGE]) this.addEvent(EXCEPTION_EVENT, attributes, time);
    else diag.warn(`Failed to record an exception ${String(exception)}`);
  }

  /** The SDK's time rules: a number up to performance.now() is a performance timestamp. */
  private timeOf(input: TimeInput | undefined): HrTime {
    if (typeof input === 'number' && input <= otperformance.now()) return hrTime(input + this.performanceOffset);
    if (typeof input === 'number') return millisToHrTime(input);
    if (input instanceof Date) return millisToHrTime(input.getTime());
    if (isTimeInputHrTime(input)) return input as HrTime;
    // A start time given by the caller makes durations from performance.now() meaningless.
    if (this.startTimeProvided) return millisToHrTime(Date.now());
    return addHrTimes(this.startTime, millisToHrTime(otperformance.now() - this.performanceStart));
  }

  private warnIfEnded(): boolean {
    if (this.ended) diag.warn(`Cannot execute the operation on ended Span {traceId: ${this.context.traceId}, spanId: ${this.context.spanId}}`);
    return this.ended;
  }

  private limitedAttributes(given: Attributes | undefined, countLimit: number): { attributes: Attributes; dropped: number; count: number } {
    const sanitized = sanitizeAttributes(given);
    const attributes: Attributes = {};
    let dropped = 0;
    let count = 0;
    for (const key in sanitized) {
      if (!Object.prototype.hasOwnProperty.call(sanitized, key)) continue;
      if (count >= countLimit) {
        dropped++;
        continue;
      }
      attributes[key] = this.truncated(sanitized[key] as AttributeValue);
      count++;
    }
    return { attributes, dropped, count };
  }

  /** Strings cut to the length limit; arrays copied (as the SDK does), their strings cut. */
  private truncated(value: AttributeValue): AttributeValue {
    const limit = this.host.limits.attributeValueLengthLimit;
    if (typeof value === 'string') return value.length <= limit ? value : value.substring(0, limit);
    if (Array.isArray(value)) return (value as unknown[]).map((item) => (typeof item === 'string' && item.length > limit ? item.substring(0, limit) : item)) as AttributeValue;
    return value;
  }
}
