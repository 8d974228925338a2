import { TraceFlags, defaultTextMapGetter, trace, type Context } from '@opentelemetry/api';
import { LEAN_ROOT_CONTEXT } from '../tracing/lean-context.ts';
import { AWSXRayPropagator, AWSXRAY_TRACE_ID_HEADER } from '@opentelemetry/propagator-aws-xray';
import { readInvocationTraceEnv, type ParentSource } from '../config/index.ts';
import type { LambdaContextLike } from './invocation-attributes.ts';

const xray = new AWSXRayPropagator();

interface InvokeStoreLike {
  getXRayTraceId?(): string | undefined;
}

/**
 * The invocation's own X-Ray trace header: the context's `xRayTraceId` (ric v4), then the
 * runtime's invoke store (per invocation, also under Managed Instances where invocations run
 * concurrently), then `_X_AMZN_TRACE_ID` (ric v3 sets it per invocation; absent under
 * Managed Instances).
 */
export function invocationTraceHeader(context: LambdaContextLike): string | undefined {
  if (typeof context.xRayTraceId === 'string' && context.xRayTraceId !== '') return context.xRayTraceId;
  const store = (globalThis as { awslambda?: { InvokeStore?: InvokeStoreLike } }).awslambda?.InvokeStore;
  const fromStore = typeof store?.getXRayTraceId === 'function' ? store.getXRayTraceId() : undefined;
  return fromStore ?? readInvocationTraceEnv();
}

/**
 * The parent of the invocation span: the first of `sources` that has one. `event` is the context
 * the trigger carried (W3C headers of an HTTP request), respected even when it says "not
 * sampled"; `xray` is the invocation's own X-Ray header.
 */
export function parentContextOf(
  context: LambdaContextLike,
  eventParent: Context | undefined,
  sources: readonly ParentSource[],
  respectUnsampledXray = false,
): Context {
  for (const source of sources) {
    const parent = source === 'event' ? eventParent : xrayParent(context, respectUnsampledXray);
    if (parent !== undefined && trace.getSpanContext(parent) !== undefined) return parent;
  }
  return LEAN_ROOT_CONTEXT;
}

/**
 * Lambda sends an X-Ray header on every invocation, with `Sampled=0` whenever active tracing is
 * off; adopting that as parent would make a parent-based sampler drop every trace, so by default
 * only a sampled X-Ray context becomes the parent (`xray-lambda` in OTEL_PROPAGATORS opts in to
 * respecting `Sampled=0`).
 */
function xrayParent(context: LambdaContextLike, respectUnsampled: boolean): Context | undefined {
  const header = invocationTraceHeader(context);
  if (header === undefined) return undefined;
  const extracted = xray.extract(LEAN_ROOT_CONTEXT, { [AWSXRAY_TRACE_ID_HEADER]: header }, defaultTextMapGetter);
  const spanContext = trace.getSpanContext(extracted);
  if (spanContext === undefined) return undefined;
  if (!respectUnsampled && (spanContext.traceFlags & TraceFlags.SAMPLED) === 0) return undefined;
  return extracted;
}
