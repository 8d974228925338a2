/**
 * Reading the init span (src/coldstart/) out of what the OTLP receiver got: the span for
 * Lambda's init phase, with its phases as children.
 */
import type { DecodedSpan, InvokeResult, OtlpReceiver } from '../sandbox/index.ts';
import { ackDelayOf, exportOf, LAYER_SCOPE, STATUS_CODE_ERROR } from './differential.ts';

export const INIT_SPAN_NAME = 'init';
export const INITIALIZATION_TYPE = 'aws.lambda.initialization_type';
export const LAYER_START_PHASE = 'otel-lambda-layer start';
export const HANDLER_LOAD_PHASE = 'load handler';

/** The init spans a function (by its name, the default service.name) exported. */
export function initSpansOf(spans: readonly DecodedSpan[], functionName: string): DecodedSpan[] {
  return spans.filter((span) => span.name === INIT_SPAN_NAME && span.scope.name === LAYER_SCOPE && span.resource['service.name'] === functionName);
}

/** The direct children of `parent`, by start time. */
export function childrenOf(spans: readonly DecodedSpan[], parent: DecodedSpan): DecodedSpan[] {
  return spans.filter((span) => span.traceId === parent.traceId && span.parentSpanId === parent.spanId).sort((a, b) => Number(a.startTimeUnixNano - b.startTimeUnixNano));
}

export function epochMsOf(unixNano: bigint): number {
  return Number(unixNano) / 1e6;
}

/**
 * A failed init: one init span, a trace of its own, ERROR with the error the runtime reported,
 * exported (and acknowledged) before the runtime's report reached Lambda.
 */
export function expectInitFailureTraced(receiver: OtlpReceiver, functionName: string, traced: InvokeResult): DecodedSpan {
  expect(traced.status).toBe('init-error');
  const spans = initSpansOf(receiver.spans(), functionName);
  expect(spans).toHaveLength(1);
  const init = spans[0]!;
  expect(init.parentSpanId).toBe('');
  expect(init.attributes['faas.coldstart']).toBe(true);
  expect(init.status.code).toBe(STATUS_CODE_ERROR);
  const exceptions = init.events.filter((event) => event.name === 'exception');
  expect(exceptions.map((event) => [event.attributes['exception.type'], event.attributes['exception.message']])).toEqual([[traced.error?.errorType, traced.error?.errorMessage]]);
  const request = exportOf(receiver, init);
  expect(request).toBeDefined();
  expect(traced.timings.initErrorAt).toBeDefined();
  expect(request!.receivedAt + ackDelayOf(receiver)).toBeLessThanOrEqual(traced.timings.initErrorAt!);
  return init;
}

/**
 * `spans` without init spans and their phases (the init span is a child of the first
 * invocation's span on a cold start): what tests that count an invocation's own spans compare.
 */
export function withoutInitSpans(spans: readonly DecodedSpan[]): DecodedSpan[] {
  const initIds = new Set(spans.filter((span) => span.name === INIT_SPAN_NAME && span.scope.name === LAYER_SCOPE).map((span) => span.spanId));
  const byId = new Map(spans.map((span) => [span.spanId, span]));
  const underInit = (span: DecodedSpan): boolean => {
    for (let current: DecodedSpan | undefined = span, hops = 0; current !== undefined && hops < 64; current = byId.get(current.parentSpanId), hops++) {
      if (initIds.has(current.spanId)) return true;
    }
    return false;
  };
  return spans.filter((span) => !underInit(span));
}
