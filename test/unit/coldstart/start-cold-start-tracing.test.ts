import { SpanKind, type Span, type Tracer } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { INIT_SPAN_NAME, INITIALIZATION_TYPE_ATTRIBUTE } from '../../../src/coldstart/init-span.ts';
import { HANDLER_LOAD_PHASE, LAYER_START_PHASE, startColdStartTracing, type ColdStartTracing } from '../../../src/coldstart/start-cold-start-tracing.ts';
import { loadConfig } from '../../../src/config/index.ts';
import type { InvocationStart } from '../../../src/invocation/invocation-extension.ts';

interface Harness {
  coldStart: ColdStartTracing;
  tracer: Tracer;
  finished: () => Promise<ReadableSpan[]>;
}

function setUp(env: Record<string, string>): Harness {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  const tracer = provider.getTracer('test');
  const coldStart = startColdStartTracing(loadConfig(env).config, { tracer, finalFlush: () => provider.forceFlush(), layerStartedAt: performance.now() });
  return {
    coldStart,
    tracer,
    finished: async () => {
      await provider.forceFlush();
      return exporter.getFinishedSpans();
    },
  };
}

/** What the lifecycle does for one invocation: links, span start, started. */
function invoke(harness: Harness, coldStart: boolean): Span {
  const start: InvocationStart = { event: {}, lambdaContext: {}, coldStart };
  const links = [...(harness.coldStart.extension.links?.(start) ?? [])];
  const span = harness.tracer.startSpan('invocation', { kind: SpanKind.SERVER, links });
  harness.coldStart.extension.started?.(span, start);
  span.end();
  return span;
}

/** Init as the layer sees it: it started, the runtime loaded the handler. */
function runInit(harness: Harness): void {
  harness.coldStart.layerReady();
  harness.coldStart.handlerLoadStarted('/var/task/index.js');
  harness.coldStart.handlerLoaded();
}

describe('cold start tracing', () => {
  it('puts the init span into the first invocation’s trace on demand, from the process start to the handler loaded, and nothing into later ones', async () => {
    // Prepare
    const harness = setUp({ AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand' });
    runInit(harness);

    // Act
    const first = invoke(harness, true);
    invoke(harness, false);

    // Assess
    const spans = await harness.finished();
    const inits = spans.filter((span) => span.name === INIT_SPAN_NAME);
    expect(inits).toHaveLength(1);
    const init = inits[0]!;
    expect(init.parentSpanContext?.spanId).toBe(first.spanContext().spanId);
    expect(init.attributes).toEqual({ 'faas.coldstart': true, [INITIALIZATION_TYPE_ATTRIBUTE]: 'on-demand' });
    expect(init.startTime[0] * 1000 + init.startTime[1] / 1e6).toBeCloseTo(performance.timeOrigin, 3);
    const children = spans.filter((span) => span.parentSpanContext?.spanId === init.spanContext().spanId).map((span) => span.name);
    expect(children).toEqual([LAYER_START_PHASE, HANDLER_LOAD_PHASE]);
    expect(spans.find((span) => span.name === HANDLER_LOAD_PHASE)?.attributes).toEqual({ 'code.file.path': '/var/task/index.js' });
  });

  it.each(['provisioned-concurrency', 'lambda-managed-instances'])('makes the init span a trace of its own with %s, linked from the first invocation', async (type) => {
    // Prepare
    const harness = setUp({ AWS_LAMBDA_INITIALIZATION_TYPE: type });
    runInit(harness);

    // Act
    const first = invoke(harness, true);
    const second = invoke(harness, false);

    // Assess
    const spans = await harness.finished();
    const init = spans.find((span) => span.name === INIT_SPAN_NAME)!;
    expect(init.parentSpanContext).toBeUndefined();
    expect(init.spanContext().traceId).not.toBe(first.spanContext().traceId);
    expect(init.attributes[INITIALIZATION_TYPE_ATTRIBUTE]).toBe(type);
    const linksOf = (span: Span): string[] => (spans.find((finished) => finished.spanContext().spanId === span.spanContext().spanId)?.links ?? []).map((link) => link.context.spanId);
    expect(linksOf(first)).toEqual([init.spanContext().spanId]);
    expect(linksOf(second)).toEqual([]);
  });

  it('records nothing with OTEL_LAMBDA_INIT_SPAN=false', async () => {
    // Prepare
    const harness = setUp({ OTEL_LAMBDA_INIT_SPAN: 'false' });
    runInit(harness);

    // Act
    invoke(harness, true);

    // Assess
    expect((await harness.finished()).map((span) => span.name)).toEqual(['invocation']);
  });
});
