import type { Context, Tracer, TracerOptions, TracerProvider } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import { RandomIdGenerator, type IdGenerator, type Sampler, type SpanProcessor } from '@opentelemetry/sdk-trace';
import type { SpanLimits } from '../config/index.ts';
import type { ExportQueue } from './export-queue.ts';
import type { LeanSpan } from './lean-span.ts';
import { LeanTracer, type TracerSettings } from './lean-tracer.ts';

export interface LeanTracerProviderOptions {
  readonly resource: Resource;
  readonly sampler: Sampler;
  readonly limits: SpanLimits;
  /** Processors that see every span start and end (the layer's own, the user's), in order. */
  readonly processors: readonly SpanProcessor[];
  /** Where ended, sampled spans go for export; none with OTEL_TRACES_EXPORTER=none. */
  readonly queue: ExportQueue | undefined;
  /** The SDK's random ids unless given (tests give fixed ones). */
  readonly ids?: IdGenerator;
}

/**
 * The layer's tracer provider: LeanTracers whose ended spans go through the span processors
 * and straight into the export queue (encoded there, for OTLP/protobuf). Registered through
 * `trace.setGlobalTracerProvider` like any provider, so instrumentations and user code find it
 * through the API. Safe with concurrent invocations (Lambda Managed Instances run several in one
 * thread): nothing in it belongs to one invocation; spans of all of them queue side by side.
 */
export class LeanTracerProvider implements TracerProvider, TracerSettings {
  readonly resource: Resource;
  readonly sampler: Sampler;
  readonly limits: SpanLimits;
  readonly ids: IdGenerator;
  private readonly processors: readonly SpanProcessor[];
  private readonly queue: ExportQueue | undefined;
  private readonly tracers = new Map<string, LeanTracer>();

  constructor(options: LeanTracerProviderOptions) {
    this.resource = options.resource;
    this.sampler = options.sampler;
    this.limits = options.limits;
    this.processors = options.processors;
    this.queue = options.queue;
    this.ids = options.ids ?? new RandomIdGenerator();
  }

  getTracer(name: string, version?: string, options?: TracerOptions): Tracer {
    const key = `${name}@${version ?? ''}:${options?.schemaUrl ?? ''}`;
    let tracer = this.tracers.get(key);
    if (tracer === undefined) {
      tracer = new LeanTracer({ name, version, schemaUrl: options?.schemaUrl }, this);
      this.tracers.set(key, tracer);
    }
    return tracer;
  }

  spanStarted(span: LeanSpan, parentContext: Context): void {
    for (const processor of this.processors) processor.onStart(span, parentContext);
  }

  /** The SDK's order: onEnding while the span can still change, then ended, then onEnd. */
  spanEnded(span: LeanSpan): void {
    for (const processor of this.processors) processor.onEnding?.(span);
    span.markEnded();
    for (const processor of this.processors) processor.onEnd(span);
    this.queue?.add(span);
  }

  async forceFlush(): Promise<void> {
    await Promise.allSettled([this.queue?.forceFlush(), ...this.processors.map((processor) => processor.forceFlush())]);
  }

  async shutdown(): Promise<void> {
    await Promise.allSettled([this.queue?.shutdown(), ...this.processors.map((processor) => processor.shutdown())]);
  }
}
