import { SpanKind, SpanStatusCode, TraceFlags, context, trace, type Attributes, type Link } from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { OtlpTraceEncoder } from '../../../src/exporters/otlp-trace-encoder.ts';

/** Finished spans from a real SDK tracer provider with the given resource. */
function recordSpans(resource: Resource, record: (provider: BasicTracerProvider) => void): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ resource, spanProcessors: [new SimpleSpanProcessor(exporter)] });
  record(provider);
  return exporter.getFinishedSpans();
}

const RESOURCE = resourceFromAttributes({ 'service.name': 'orders', 'cloud.provider': 'aws', 'faas.max_memory': 1024, 'process.runtime.version': '24.21.0' });
const EVERY_TYPE: Attributes = {
  ascii: 'hello',
  unicode: 'héllo ✓ 😀',
  empty: '',
  yes: true,
  no: false,
  zero: 0,
  int: 42,
  negative: -7,
  minInt32: -(2 ** 31),
  beyondUint32: 2 ** 40 + 3,
  maxSafe: Number.MAX_SAFE_INTEGER,
  negativeLarge: -(2 ** 52) - 1,
  powerBeyondSafe: 2 ** 60,
  double: 1.25,
  negativeDouble: -0.001,
  infinity: Number.POSITIVE_INFINITY,
  strings: ['a', 'b', ''],
  numbers: [1, 2.5, -3],
  booleans: [false, true],
  holes: ['x', null, undefined] as unknown as string[],
};
const LINK: Link = {
  context: { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.SAMPLED, isRemote: true, traceState: new TraceState('vendor=value,other=1') },
  attributes: { 'messaging.system': 'aws_sqs', count: 3 },
  droppedAttributesCount: 2,
};

const expectSameBytes = (spans: ReadableSpan[]): void => {
  const expected = Buffer.from(ProtobufTraceSerializer.serializeRequest(spans)!);
  const encoder = new OtlpTraceEncoder();
  expect(Buffer.from(encoder.encode(spans)).toString('hex')).toBe(expected.toString('hex'));
  // Again with the resource and scope taken from the encoder's cache.
  expect(Buffer.from(encoder.encode(spans)).toString('hex')).toBe(expected.toString('hex'));
};

describe('OtlpTraceEncoder writes the same bytes as the SDK serializer', () => {
  it('for a plain span', () => {
    expectSameBytes(recordSpans(RESOURCE, (provider) => provider.getTracer('layer').startSpan('GET /orders').end()));
  });

  it('for every attribute type, on spans, events, links and the resource', () => {
    const spans = recordSpans(resourceFromAttributes(EVERY_TYPE), (provider) => {
      const span = provider.getTracer('typed', '1.0.0').startSpan('typed', { kind: SpanKind.SERVER, attributes: EVERY_TYPE, links: [LINK], startTime: [1_700_000_000, 123_456_789] });
      span.addEvent('exception', EVERY_TYPE, [1_700_000_000, 999_999_999]);
      span.addEvent('bare event');
      span.setStatus({ code: SpanStatusCode.ERROR, message: 'it failed: ünïcode' });
      span.end([1_700_000_001, 5]);
    });
    expectSameBytes(spans);
  });

  it('for remote and local parents, trace state, every kind and status', () => {
    const spans = recordSpans(RESOURCE, (provider) => {
      const tracer = provider.getTracer('kinds');
      const remote = trace.setSpanContext(context.active(), {
        traceId: '5759e988bd862e3fe1be46a994272793',
        spanId: '53995c3f42cd8ad8',
        traceFlags: TraceFlags.SAMPLED,
        isRemote: true,
        traceState: new TraceState('rojo=00f067aa0ba902b7'),
      });
      for (const kind of [SpanKind.INTERNAL, SpanKind.SERVER, SpanKind.CLIENT, SpanKind.PRODUCER, SpanKind.CONSUMER]) {
        const span = tracer.startSpan(`kind ${kind}`, { kind }, remote);
        span.setStatus({ code: kind % 2 === 0 ? SpanStatusCode.OK : SpanStatusCode.UNSET });
        const child = tracer.startSpan('child', {}, trace.setSpan(context.active(), span));
        child.end();
        span.end();
      }
    });
    expectSameBytes(spans);
  });

  it('for messages longer than one length byte holds (long names, many attributes, large batches)', () => {
    const manyAttributes: Attributes = Object.fromEntries(Array.from({ length: 400 }, (_, index) => [`attribute.${index}`, 'x'.repeat(index)]));
    const spans = recordSpans(RESOURCE, (provider) => {
      const tracer = provider.getTracer('large');
      tracer.startSpan('n'.repeat(200)).end();
      tracer.startSpan('many', { attributes: manyAttributes }).end();
      for (let index = 0; index < 600; index++) tracer.startSpan(`work ${index}`, { attributes: { index } }).end();
    });
    expectSameBytes(spans);
  });

  it('for spans of several resources and scopes, grouped in first-seen order', () => {
    const first = recordSpans(RESOURCE, (provider) => {
      provider.getTracer('a').startSpan('a1').end();
      provider.getTracer('b', '2.0.0').startSpan('b1').end();
      provider.getTracer('a').startSpan('a2').end();
    });
    const second = recordSpans(resourceFromAttributes({ 'service.name': 'other' }), (provider) => provider.getTracer('c').startSpan('c1').end());
    expectSameBytes([first[0]!, second[0]!, first[1]!, first[2]!]);
  });

  it('for timestamps far from now', () => {
    const spans = recordSpans(RESOURCE, (provider) => {
      provider.getTracer('time').startSpan('epoch', { startTime: [0, 1] }).end([1, 0]);
      provider.getTracer('time').startSpan('far', { startTime: [4_102_444_800, 999_999_999] }).end([18_000_000_000, 123]);
    });
    expectSameBytes(spans);
  });

  it('for no spans at all', () => {
    expectSameBytes([]);
  });
});
