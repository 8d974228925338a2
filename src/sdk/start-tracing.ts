import type { Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { BatchSpanProcessor, ConsoleSpanExporter, NodeTracerProvider, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-node';
import type { LayerConfig, TracesExporterName } from '../config/index.ts';
import type { Flushable } from '../flush/flush-strategy.ts';
import { buildPropagator } from './build-propagator.ts';
import { buildResource } from './build-resource.ts';

export interface Tracing {
  readonly tracer: Tracer;
  readonly provider: NodeTracerProvider & Flushable;
  readonly warnings: readonly string[];
}

export const TRACER_NAME = 'otel-lambda-layer';

/**
 * The trace pipeline from its constituent packages rather than `@opentelemetry/sdk-node`:
 * NodeSDK's environment-driven setup imports every exporter and protocol it could need
 * (gRPC, Zipkin, Prometheus, ...), which a bundle cannot leave out and a cold start pays for.
 */
export function startTracing(config: LayerConfig, extraProcessors: readonly SpanProcessor[] = []): Tracing {
  const { propagator, warnings } = buildPropagator(config.propagators);
  const exporter = createSpanExporter(config.tracesExporter);
  const spanProcessors: SpanProcessor[] = [...extraProcessors, ...(exporter === undefined ? [] : [new BatchSpanProcessor(exporter)])];
  // The sampler comes from OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG, read by the SDK.
  const provider = new NodeTracerProvider({ resource: buildResource(config), spanProcessors });
  provider.register({ propagator });
  return { tracer: provider.getTracer(TRACER_NAME), provider, warnings };
}

// OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT/HEADERS/TIMEOUT/COMPRESSION are read by the exporter
// itself; its default endpoint, http://localhost:4318/v1/traces, is the collector layer's.
function createSpanExporter(name: TracesExporterName): SpanExporter | undefined {
  switch (name) {
    case 'otlp':
      return new OTLPTraceExporter();
    case 'console':
      return new ConsoleSpanExporter();
    case 'none':
      return undefined;
  }
}
