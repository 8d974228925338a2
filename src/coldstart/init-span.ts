import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type SpanContext, type Tracer } from '@opentelemetry/api';
import type { EpochMs, InitPhase } from './init-timeline.ts';

export const INIT_SPAN_NAME = 'init';
/** How the environment was initialised: Lambda's AWS_LAMBDA_INITIALIZATION_TYPE. */
export const INITIALIZATION_TYPE_ATTRIBUTE = 'aws.lambda.initialization_type';
/** Init phases not shown because there were more than the timeline keeps. */
export const DROPPED_PHASES_ATTRIBUTE = 'aws.lambda.init.dropped_phases';

/** The error a failed init ended with, as the runtime client reported it. */
export interface InitFailure {
  readonly type: string;
  readonly message: string;
  readonly stack?: string;
}

export interface InitSpanData {
  /** The first invocation's span context, or undefined for an init span that is its own trace. */
  readonly parent: Context | undefined;
  readonly startTime: EpochMs;
  readonly endTime: EpochMs;
  readonly attributes: Attributes;
  readonly phases: readonly InitPhase[];
  readonly failure?: InitFailure;
}

/**
 * Emits the init span and its phases as children, with the times they happened at (all of them
 * in the past), through the OpenTelemetry API only. A phase whose parent is not among the
 * phases is a child of the init span; one still open ends with it. Returns the init span's
 * context, for the first invocation to link to.
 */
export function emitInitSpan(tracer: Tracer, data: InitSpanData): SpanContext {
  const parent = data.parent ?? ROOT_CONTEXT;
  const span = tracer.startSpan(INIT_SPAN_NAME, { kind: SpanKind.INTERNAL, startTime: data.startTime, attributes: data.attributes, root: data.parent === undefined }, parent);
  const initContext = trace.setSpan(parent, span);
  const contexts = new Map<number, Context>();
  for (const phase of data.phases) {
    const phaseParent = (phase.parentId === undefined ? undefined : contexts.get(phase.parentId)) ?? initContext;
    const child = tracer.startSpan(phase.name, { kind: SpanKind.INTERNAL, startTime: phase.startTime, attributes: phase.attributes ?? {} }, phaseParent);
    if (phase.failed === true && data.failure !== undefined) child.setStatus({ code: SpanStatusCode.ERROR, message: describe(data.failure) });
    child.end(Math.min(phase.endTime ?? data.endTime, data.endTime));
    contexts.set(phase.id, trace.setSpan(phaseParent, child));
  }
  if (data.failure !== undefined) {
    const { type, message, stack } = data.failure;
    span.recordException({ name: type, message, ...(stack === undefined ? {} : { stack }) }, data.endTime);
    span.setStatus({ code: SpanStatusCode.ERROR, message: describe(data.failure) });
  }
  span.end(data.endTime);
  return span.spanContext();
}

function describe(failure: InitFailure): string {
  return failure.message === '' ? failure.type : `${failure.type}: ${failure.message}`;
}
