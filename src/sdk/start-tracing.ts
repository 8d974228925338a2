import { context, propagation, trace, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import type { SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace';
import type { LayerConfig } from '../config/index.ts';
import { createSpanExporter } from '../exporters/create-span-exporter.ts';
import { EncodedSpanStore } from '../exporters/encoded-span-store.ts';
import { OtlpHttpSpanExporter } from '../exporters/otlp-http-span-exporter.ts';
import { ObservedExporter, type ExportHealth } from '../exporters/observed-exporter.ts';
import { combineFlushables, type Flushable } from '../flush/flush-strategy.ts';
import { ExportQueue, ReadableSpanStore, type SpanStore } from '../tracing/export-queue.ts';
import { LeanTracerProvider } from '../tracing/lean-tracer-provider.ts';
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
 * The tracer provider is the layer's own (src/tracing/): the SDK's semantics, its samplers and
 * ReadableSpan shape, with spans encoded for export as they end (OTLP/protobuf) instead of held
 * by a batch span processor until the flush.
 */
export interface TracingOptions {
  /** The layer's own processors: they see every span, and have nothing to flush. */
  readonly ownProcessors: readonly SpanProcessor[];
  /** The user's (OTEL_LAMBDA_HOOKS_MODULE), after the layer's: flushed with the spans. */
  readonly userProcessors: readonly SpanProcessor[];
}

export function startTracing(config: LayerConfig, resource: Resource, options: TracingOptions): Tracing {
  const propagator = buildPropagator(config.propagators);
  const exporters = createSpanExporter(config);
  const observed = exporters === undefined ? undefined : new ObservedExporter(exporters.exporter);
  const queue =
    exporters === undefined || observed === undefined
      ? undefined
      : new ExportQueue(spanStoreFor(exporters.exporter, observed), {
          maxQueueSize: config.batch.maxQueueSize,
          maxExportBatchSize: config.batch.maxExportBatchSize,
          scheduledDelayMs: config.batch.scheduledDelayMs,
          onDropped: (count) => observed.countQueueDrop(count),
        });
  const provider = new LeanTracerProvider({
    resource,
    sampler: buildSampler(config.sampler, config.samplerRatio),
    limits: config.spanLimits,
    processors: [...options.ownProcessors, ...options.userProcessors],
    queue,
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(propagator);
  trace.setGlobalTracerProvider(provider);
  const exportHealth: ExportHealth = observed ?? { healthy: true, exportedSpans: 0, droppedSpans: 0 };
  // Without processors of the user's, a flush is the queue's alone (no promise per processor
  // with nothing to flush). A failed export shows in exportHealth.
  const flushQueue = (): Promise<void> => queue?.forceFlush() ?? Promise.resolve();
  const withUserProcessors = combineFlushables([{ forceFlush: flushQueue, shutdown: () => Promise.resolve() }, ...options.userProcessors]);
  const flushable: Flushable = {
    forceFlush: options.userProcessors.length === 0 ? flushQueue : withUserProcessors.forceFlush,
    isIdle: () => options.userProcessors.length === 0 && (queue?.isIdle() ?? true),
    shutdown: async () => {
      await provider.shutdown();
      await observed?.shutdown();
    },
  };
  const prepareExport = (): void => {
    exporters?.otlp?.prepare(resource);
  };
  return { tracer: provider.getTracer(LAYER_SCOPE_NAME, LAYER_VERSION), flushable, prepareExport, exportHealth };
}

/** A lone OTLP/protobuf exporter gets spans encoded as they end; other exporters take the spans themselves. */
function spanStoreFor(exporter: SpanExporter, observed: ObservedExporter): SpanStore {
  if (exporter instanceof OtlpHttpSpanExporter && exporter.sendsProtobuf) {
    return new EncodedSpanStore(exporter.protobufEncoder, (body, spanCount, done) => observed.exportEncoded(body, spanCount, done));
  }
  return new ReadableSpanStore(observed);
}
