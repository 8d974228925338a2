import { gzipSync } from 'node:zlib';
import { request } from 'node:http';
import { SpanKind, SpanStatusCode, TraceFlags, context, trace } from '@opentelemetry/api';
import type { Link } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { decodeOtlpJson } from '../../sandbox/otlp-json-decoder.ts';
import { decodeOtlpProtobuf } from '../../sandbox/otlp-protobuf-decoder.ts';
import { startOtlpReceiver } from '../../sandbox/otlp-receiver.ts';
import type { DecodedSpan } from '../../sandbox/otlp-types.ts';

const LINKED: Link = {
  context: { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.SAMPLED },
  attributes: { 'link.kind': 'sqs', 'link.n': 3 },
};

function makeSpans(): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'fn', 'cloud.provider': 'aws', 'process.pid': 4242 }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('sandbox-test', '1.2.3');
  const parent = tracer.startSpan('parent', {
    kind: SpanKind.SERVER,
    attributes: {
      str: 'hello',
      int: 42,
      negative: -7,
      big: 2 ** 40,
      dbl: 1.25,
      bool: true,
      strs: ['a', 'b'],
      ints: [1, 2, 3],
      bools: [false, true],
    },
    links: [LINKED],
    startTime: [1_700_000_000, 123_456_789],
  });
  parent.addEvent('exception', { 'exception.type': 'Error', 'exception.message': 'boom' }, [1_700_000_000, 500_000_000]);
  parent.setStatus({ code: SpanStatusCode.ERROR, message: 'it failed' });
  const ctx = { traceId: parent.spanContext().traceId, spanId: parent.spanContext().spanId, traceFlags: 1 };
  const child = tracer.startSpan('child', { kind: SpanKind.CLIENT }, trace.setSpanContext(context.active(), ctx));
  child.setStatus({ code: SpanStatusCode.OK });
  child.end([1_700_000_000, 900_000_000]);
  parent.end([1_700_000_001, 0]);
  return exporter.getFinishedSpans();
}

function assertRoundTrip(decoded: DecodedSpan[], source: ReadableSpan[]): void {
  expect(decoded).toHaveLength(2);
  const parentSrc = source.find((s) => s.name === 'parent')!;
  const childSrc = source.find((s) => s.name === 'child')!;
  const parent = decoded.find((s) => s.name === 'parent')!;
  const child = decoded.find((s) => s.name === 'child')!;

  expect(parent.traceId).toBe(parentSrc.spanContext().traceId);
  expect(parent.spanId).toBe(parentSrc.spanContext().spanId);
  expect(parent.parentSpanId).toBe('');
  expect(child.traceId).toBe(parent.traceId);
  expect(child.parentSpanId).toBe(parent.spanId);
  expect(child.spanId).toBe(childSrc.spanContext().spanId);

  expect(parent.kind).toBe(2);
  expect(child.kind).toBe(3);
  expect(parent.startTimeUnixNano).toBe(1_700_000_000_123_456_789n);
  expect(parent.endTimeUnixNano).toBe(1_700_000_001_000_000_000n);
  expect(parent.attributes).toEqual({
    str: 'hello',
    int: 42,
    negative: -7,
    big: 2 ** 40,
    dbl: 1.25,
    bool: true,
    strs: ['a', 'b'],
    ints: [1, 2, 3],
    bools: [false, true],
  });
  expect(parent.events).toEqual([
    {
      name: 'exception',
      timeUnixNano: 1_700_000_000_500_000_000n,
      attributes: { 'exception.type': 'Error', 'exception.message': 'boom' },
    },
  ]);
  expect(parent.links).toHaveLength(1);
  expect(parent.links[0]).toMatchObject({
    traceId: LINKED.context.traceId,
    spanId: LINKED.context.spanId,
    attributes: { 'link.kind': 'sqs', 'link.n': 3 },
  });
  expect(parent.status).toEqual({ code: 2, message: 'it failed' });
  expect(child.status.code).toBe(1);
  expect(parent.resource).toMatchObject({ 'service.name': 'fn', 'cloud.provider': 'aws', 'process.pid': 4242 });
  expect(parent.scope).toEqual({ name: 'sandbox-test', version: '1.2.3' });
  expect(parent.flags! & 0xff).toBe(1);
}

describe('OTLP decoders', () => {
  it('round-trips spans serialised by the real protobuf serializer', () => {
    // Prepare
    const spans = makeSpans();
    const bytes = ProtobufTraceSerializer.serializeRequest(spans)!;
    // Act
    const decoded = decodeOtlpProtobuf(bytes, 'traces');
    // Assess
    assertRoundTrip(decoded.spans, spans);
    expect(decoded.resources).toHaveLength(1);
  });

  it('round-trips spans serialised by the real JSON serializer', () => {
    const spans = makeSpans();
    const bytes = JsonTraceSerializer.serializeRequest(spans)!;
    const decoded = decodeOtlpJson(Buffer.from(bytes).toString('utf8'), 'traces');
    assertRoundTrip(decoded.spans, spans);
  });

  it('decodes AnyValue kinds the SDK never emits: kvlist, bytes, int64 beyond 2^53', () => {
    const json = {
      resourceSpans: [
        {
          resource: { attributes: [] },
          scopeSpans: [
            {
              scope: { name: 's' },
              spans: [
                {
                  traceId: 'AB'.repeat(16),
                  spanId: 'CD'.repeat(8),
                  name: 'n',
                  kind: 1,
                  startTimeUnixNano: '1',
                  endTimeUnixNano: '2',
                  attributes: [
                    { key: 'kv', value: { kvlistValue: { values: [{ key: 'x', value: { intValue: '9007199254740993' } }] } } },
                    { key: 'bytes', value: { bytesValue: Buffer.from([1, 2, 3]).toString('base64') } },
                  ],
                },
              ],
            },
          ],
        },
      ],
    };
    const [span] = decodeOtlpJson(json, 'traces').spans;
    expect(span!.traceId).toBe('ab'.repeat(16));
    expect(span!.attributes.kv).toEqual({ x: 9007199254740993n });
    expect(span!.attributes.bytes).toEqual(Buffer.from([1, 2, 3]));
  });
});

function post(url: string, path: string, body: Buffer, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { method: 'POST', headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('OTLP receiver', () => {
  it('records gzip protobuf exports and answers with the responder status', async () => {
    // Prepare
    const otlp = await startOtlpReceiver();
    try {
      const bytes = Buffer.from(ProtobufTraceSerializer.serializeRequest(makeSpans())!);
      // Act
      const ok = await post(otlp.url, '/v1/traces', gzipSync(bytes), {
        'content-type': 'application/x-protobuf',
        'content-encoding': 'gzip',
      });
      otlp.setResponder(() => ({ status: 503 }));
      const unavailable = await post(otlp.url, '/v1/traces', bytes, { 'content-type': 'application/x-protobuf' });
      const spans = await otlp.waitForSpans(4, 1000);
      // Assess
      expect([ok, unavailable]).toEqual([200, 503]);
      expect(spans.map((s) => s.name).sort()).toEqual(['child', 'child', 'parent', 'parent']);
      expect(otlp.requests[0]!.path).toBe('/v1/traces');
      expect(otlp.requests[0]!.receivedAt).toBeGreaterThan(Date.now() - 60_000);
      await expect(otlp.waitForSpans(5, 50)).rejects.toThrow(/waited 50 ms for 5 spans/);
    } finally {
      await otlp.close();
    }
  });

  it('closes even while a request is held unanswered', async () => {
    const otlp = await startOtlpReceiver({ responder: () => ({ neverAnswer: true }) });
    const pending = post(otlp.url, '/v1/traces', Buffer.from('{}'), { 'content-type': 'application/json' }).catch(
      (e: Error) => e.message,
    );
    await otlp.waitForSpans(() => otlp.requests.length === 1, 1000);
    await otlp.close();
    expect(await pending).toMatch(/socket hang up|ECONNRESET/);
  });
});
