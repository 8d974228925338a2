import { ROOT_CONTEXT, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { emitInitSpan, INIT_SPAN_NAME } from '../../../src/coldstart/init-span.ts';

const epochMs = (hrTime: [number, number]): number => hrTime[0] * 1000 + hrTime[1] / 1e6;

function setUp(): { exporter: InMemorySpanExporter; tracer: ReturnType<TracerProvider['getTracer']> } {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  return { exporter, tracer: provider.getTracer('test') };
}

describe('the init span', () => {
  it('is a child of the given parent, spans the given times, and nests its phases as they nested', () => {
    // Prepare
    const { exporter, tracer } = setUp();
    const invocation = tracer.startSpan('invocation');
    const start = Date.now() - 500;

    // Act
    emitInitSpan(tracer, {
      parent: trace.setSpan(ROOT_CONTEXT, invocation),
      startTime: start,
      endTime: start + 400,
      attributes: { 'faas.coldstart': true },
      phases: [
        { id: 1, name: 'outer', startTime: start + 100, endTime: start + 300 },
        { id: 2, name: 'inner', startTime: start + 150, endTime: start + 200, parentId: 1, attributes: { 'code.file.path': '/var/task/a.js' } },
        { id: 3, name: 'orphan', startTime: start + 310, endTime: start + 320, parentId: 99 },
        { id: 4, name: 'still open', startTime: start + 350 },
      ],
    });

    // Assess
    const spans = new Map(exporter.getFinishedSpans().map((span) => [span.name, span]));
    const init = spans.get(INIT_SPAN_NAME)!;
    expect(init.parentSpanContext?.spanId).toBe(invocation.spanContext().spanId);
    expect(init.spanContext().traceId).toBe(invocation.spanContext().traceId);
    expect([epochMs(init.startTime), epochMs(init.endTime)]).toEqual([start, start + 400]);
    expect(init.attributes).toEqual({ 'faas.coldstart': true });
    expect(init.status.code).toBe(SpanStatusCode.UNSET);
    expect(spans.get('outer')!.parentSpanContext?.spanId).toBe(init.spanContext().spanId);
    expect(spans.get('inner')!.parentSpanContext?.spanId).toBe(spans.get('outer')!.spanContext().spanId);
    expect(spans.get('inner')!.attributes).toEqual({ 'code.file.path': '/var/task/a.js' });
    expect(spans.get('orphan')!.parentSpanContext?.spanId).toBe(init.spanContext().spanId);
    expect(epochMs(spans.get('still open')!.endTime)).toBe(start + 400);
  });

  it('is a trace of its own without a parent, and carries a failure as ERROR with the exception', () => {
    // Prepare
    const { exporter, tracer } = setUp();
    const start = Date.now() - 100;

    // Act
    const context = emitInitSpan(tracer, {
      parent: undefined,
      startTime: start,
      endTime: start + 50,
      attributes: {},
      phases: [{ id: 1, name: 'load handler', startTime: start + 10, failed: true }],
      failure: { type: 'Runtime.UserCodeSyntaxError', message: 'SyntaxError: Unexpected token', stack: 'Runtime.UserCodeSyntaxError: SyntaxError: Unexpected token\n    at x' },
    });

    // Assess
    const spans = new Map(exporter.getFinishedSpans().map((span) => [span.name, span]));
    const init = spans.get(INIT_SPAN_NAME)!;
    expect(init.spanContext().spanId).toBe(context.spanId);
    expect(init.parentSpanContext).toBeUndefined();
    expect(init.status).toEqual({ code: SpanStatusCode.ERROR, message: 'Runtime.UserCodeSyntaxError: SyntaxError: Unexpected token' });
    expect(init.events.map((event) => [event.name, event.attributes])).toEqual([
      [
        'exception',
        {
          'exception.type': 'Runtime.UserCodeSyntaxError',
          'exception.message': 'SyntaxError: Unexpected token',
          'exception.stacktrace': 'Runtime.UserCodeSyntaxError: SyntaxError: Unexpected token\n    at x',
        },
      ],
    ]);
    expect(spans.get('load handler')!.status.code).toBe(SpanStatusCode.ERROR);
  });
});
