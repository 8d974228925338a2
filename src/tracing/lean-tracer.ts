import {
  context as contextApi,
  diag,
  INVALID_SPAN_CONTEXT,
  SamplingDecision,
  SpanKind,
  trace,
  TraceFlags,
  type Context,
  type Link,
  type Span,
  type SpanContext,
  type SpanOptions,
  type Tracer,
} from '@opentelemetry/api';
import { isTracingSuppressed, sanitizeAttributes, type InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { IdGenerator, Sampler } from '@opentelemetry/sdk-trace';
import type { SpanLimits } from '../config/index.ts';
import { LeanSpan, type SpanHost } from './lean-span.ts';

/** What a tracer shares with the provider and its other tracers. */
export interface TracerSettings {
  readonly resource: Resource;
  readonly sampler: Sampler;
  readonly limits: SpanLimits;
  readonly ids: IdGenerator;
  /** Runs the span processors' onStart. */
  spanStarted(span: LeanSpan, parentContext: Context): void;
  /** Runs the span processors' onEnding and onEnd, then queues the span for export. */
  spanEnded(span: LeanSpan): void;
}

const NO_LINKS: readonly Link[] = Object.freeze([]);

/**
 * A tracer with the SDK Tracer's decisions (suppression, root spans, parent and trace state,
 * sampling with the configured sampler, non-recording spans that carry the context on) making
 * LeanSpans.
 */
export class LeanTracer implements Tracer, SpanHost {
  readonly resource: Resource;
  readonly scope: InstrumentationScope;
  readonly limits: SpanLimits;
  private readonly settings: TracerSettings;

  constructor(scope: InstrumentationScope, settings: TracerSettings) {
    this.scope = scope;
    this.settings = settings;
    this.resource = settings.resource;
    this.limits = settings.limits;
  }

  startSpan(name: string, options: SpanOptions = {}, context: Context = contextApi.active()): Span {
    const parentContext = options.root === true ? trace.deleteSpan(context) : context;
    if (isTracingSuppressed(parentContext)) {
      diag.debug('Instrumentation suppressed, returning Noop Span');
      return trace.wrapSpanContext(INVALID_SPAN_CONTEXT);
    }
    const parentSpanContext = trace.getSpan(parentContext)?.spanContext();
    const { ids, sampler } = this.settings;
    const spanId = ids.generateSpanId();
    const validParent = parentSpanContext !== undefined && trace.isSpanContextValid(parentSpanContext) ? parentSpanContext : undefined;
    const traceId = validParent?.traceId ?? ids.generateTraceId();
    const kind = options.kind ?? SpanKind.INTERNAL;
    const links = options.links === undefined || options.links.length === 0 ? NO_LINKS : options.links.map((link) => ({ context: link.context, attributes: sanitizeAttributes(link.attributes) }));
    const attributes = sanitizeAttributes(options.attributes);
    const sampling = sampler.shouldSample(parentContext, traceId, name, kind, attributes, links as Link[]);
    const spanContext: SpanContext = {
      traceId,
      spanId,
      traceFlags: sampling.decision === SamplingDecision.RECORD_AND_SAMPLED ? TraceFlags.SAMPLED : TraceFlags.NONE,
      traceState: sampling.traceState ?? validParent?.traceState,
    };
    if (sampling.decision === SamplingDecision.NOT_RECORD) {
      diag.debug('Recording is off, propagating context in a non-recording span');
      return trace.wrapSpanContext(spanContext);
    }
    // A sampler may add attributes (and return invalid ones): sanitized once more, as the SDK does.
    const startAttributes = sampling.attributes === undefined ? attributes : sanitizeAttributes(Object.assign(attributes, sampling.attributes));
    const span = new LeanSpan(this, { name, kind, spanContext, parentSpanContext: validParent, startTime: options.startTime }, startAttributes, links);
    this.settings.spanStarted(span, parentContext);
    return span;
  }

  startActiveSpan<F extends (span: Span) => unknown>(name: string, ...rest: [F] | [SpanOptions, F] | [SpanOptions, Context, F]): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(name: string, ...rest: unknown[]): ReturnType<F> | undefined {
    if (rest.length === 0) return undefined;
    const fn = rest[rest.length - 1] as F;
    const options = rest.length >= 2 ? (rest[0] as SpanOptions | undefined) : undefined;
    const parentContext = rest.length >= 3 ? ((rest[1] as Context | undefined) ?? contextApi.active()) : contextApi.active();
    const span = this.startSpan(name, options, parentContext);
    return contextApi.with(trace.setSpan(parentContext, span), fn as (span: Span) => ReturnType<F>, undefined, span);
  }

  spanEnded(span: LeanSpan): void {
    this.settings.spanEnded(span);
  }
}
