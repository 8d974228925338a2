import type { TextMapPropagator } from '@opentelemetry/api';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { AWSXRayPropagator } from '@opentelemetry/propagator-aws-xray';

const FACTORIES: Record<string, () => TextMapPropagator> = {
  tracecontext: () => new W3CTraceContextPropagator(),
  baggage: () => new W3CBaggagePropagator(),
  xray: () => new AWSXRayPropagator(),
  // Propagates like `xray`; in addition the invocation's own X-Ray context becomes the parent even
  // when it says "not sampled" (see invocation/parent-context.ts), as upstream's xray-lambda does.
  'xray-lambda': () => new AWSXRayPropagator(),
};

/** OTEL_PROPAGATORS → one composite propagator; unknown names are reported and skipped. */
export function buildPropagator(names: readonly string[]): { propagator: TextMapPropagator; warnings: string[] } {
  const warnings: string[] = [];
  const propagators: TextMapPropagator[] = [];
  for (const name of names) {
    if (name === 'none') continue;
    const factory = FACTORIES[name];
    if (factory === undefined) {
      warnings.push(`OTEL_PROPAGATORS contains "${name}", which is not supported (allowed: ${Object.keys(FACTORIES).join(', ')}, none); it is ignored.`);
      continue;
    }
    propagators.push(factory());
  }
  return { propagator: new CompositePropagator({ propagators }), warnings };
}
