import type { TextMapPropagator } from '@opentelemetry/api';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { AWSXRayPropagator } from '@opentelemetry/propagator-aws-xray';
import type { PropagatorName } from '../config/index.ts';

const FACTORIES: Record<Exclude<PropagatorName, 'none'>, () => TextMapPropagator> = {
  tracecontext: () => new W3CTraceContextPropagator(),
  baggage: () => new W3CBaggagePropagator(),
  xray: () => new AWSXRayPropagator(),
  // Propagates like `xray`; in addition the invocation's own X-Ray context becomes the parent even
  // when it says "not sampled" (see invocation/parent-context.ts), as upstream's xray-lambda does.
  'xray-lambda': () => new AWSXRayPropagator(),
};

/** OTEL_PROPAGATORS (validated in config/) → one composite propagator. */
export function buildPropagator(names: readonly PropagatorName[]): TextMapPropagator {
  return new CompositePropagator({ propagators: names.filter((name) => name !== 'none').map((name) => FACTORIES[name]()) });
}
