import { context, propagation, trace, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BatchSpanProcessor, TracerProvider, type SpanProcessor } from '@opentelemetry/sdk-trace';
import type { LayerConfig } from '../config/index.ts';
import { createSpanExporter } from '../exporters/create-span-exporter.ts';
import { ObservedExporter, type ExportHealth } from '../exporters/observed-exporter.ts';
import { combineFlushables, type Flushable } from '../flush/flush-strategy.ts';
import { buildPropagator } from './build-propagator.ts';
import type { Resource } from '@opentelemetry/resources';
import { buildSampler } from './build-sampler.ts';
import { LAYER_SCOPE_NAME, LAYER_VERSION } from '../version.ts';

export interface Tracing {
  readonly tracer: Tracer;
  /** Flushes every span processor; shuts the provider down. */
  readonly flushable: Flushable;
  /** Readies the first export during init, where the exporter can (connection, resource encoding). */
  readonly prepareExport: () => void;
  readonly exportHealth: ExportHealth;
}


/**
 * The trace pipeline from its constituent packages rather than `@opentelemetry/sdk-node`:
 * NodeSDK's environment-driven setup imports every exporter and protocol it could need
 * (gRPC, Zipkin, Prometheus, ...), which a bundle cannot leave out and a cold start pays for.
 * `@opentelemetry/sdk-trace` is used directly (not `sdk-trace-node`/`sdk-trace-base`, which
 * are shims over it) so the bundle holds one copy of the SDK.
 */
export interface TracingOptions {
  readonly extraProcessors: readonly SpanProcessor[];
}

export function startTracing(config: LayerConfig, resource: Resource, options: TracingOptions): Tracing {
  const propagator = buildPropagator(config.propagators);
  const exporters = createSpanExporter(config);
  const observed = exporters === undefined ? undefined : new ObservedExporter(exporters.exporter);
  const spanProcessors: SpanProcessor[] = [...options.extraProcessors];
  if (observed !== undefined) {
    spanProcessors.push(
      new BatchSpanProcessor({
        exporter: observed,
        maxQueueSize: config.batch.maxQueueSize,
        maxExportBatchSize: config.batch.maxExportBatchSize,
        scheduledDelayMillis: config.batch.scheduledDelayMs,
        exportTimeoutMillis: config.batch.exportTimeoutMs,
      }),
    );
  }
  const provider = new TracerProvider({
    resource,
    sampler: buildSampler(config.sampler, config.samplerRatio),
    spanProcessors,
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(propagator);
  trace.setGlobalTracerProvider(provider);
  const exportHealth: ExportHealth = observed ?? { healthy: true, exportedSpans: 0, droppedSpans: 0 };
  // The processors are flushed directly: the provider's own forceFlush starts a 30-second timer
  // and two promises per processor on every call, and each invocation's flush is bounded by the
  // flush strategy already. A failed export shows in exportHealth.
  const flushable: Flushable = { forceFlush: combineFlushables(spanProcessors).forceFlush, shutdown: () => provider.shutdown() };
  const prepareExport = (): void => {
    exporters?.otlp?.prepare(resource);
  };
  return { tracer: provider.getTracer(LAYER_SCOPE_NAME, LAYER_VERSION), flushable, prepareExport, exportHealth };
}
