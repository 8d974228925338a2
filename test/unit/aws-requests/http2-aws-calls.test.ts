import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { suppressTracing } from '@opentelemetry/core';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { connect, createServer, type ClientHttp2Session, type Http2Server, type OutgoingHttpHeaders } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { HTTP2_SCOPE, traceAwsCallsOverHttp2 } from '../../../src/aws-requests/http2-aws-calls.ts';
import { loadSourceRecogniser, recordedCalls } from './recorded-calls.ts';

const KINESIS = recordedCalls().find((call) => call.request.transport === 'h2')!;
const exporter = new InMemorySpanExporter();
let server: Http2Server;
let session: ClientHttp2Session;
let url: string;

beforeAll(async () => {
  trace.setGlobalTracerProvider(new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] }));
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  traceAwsCallsOverHttp2(loadSourceRecogniser);
  server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(request.url === '/missing' ? 400 : 200, { 'x-amzn-RequestId': '9a35c309-1520-4dca-b199-99c1ee0c88be' });
      response.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  session = connect(url);
});

afterAll(async () => {
  session.close();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => exporter.reset());

/** One request over the shared session, read to the end and closed. */
async function exchange(headers: OutgoingHttpHeaders, path = '/'): Promise<void> {
  const stream = session.request({ ':method': 'POST', ':path': path, ...headers });
  stream.end(KINESIS.request.bodyHead);
  stream.resume();
  await new Promise((resolve) => stream.on('close', resolve));
}

const layerSpans = (): ReadableSpan[] => exporter.getFinishedSpans().filter((span) => span.instrumentationScope.name === HTTP2_SCOPE);

it('makes a client span of a SigV4-signed stream, under the span active when it was sent', async () => {
  const parent = trace.getTracer('test').startSpan('invocation');

  await context.with(trace.setSpan(context.active(), parent), () => exchange(KINESIS.request.headers));

  const [span] = layerSpans();
  expect(span?.name).toBe('Kinesis.PutRecord');
  expect(span?.kind).toBe(SpanKind.CLIENT);
  expect(span?.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
  expect(span?.attributes).toMatchObject({
    'rpc.system': 'aws-api',
    'rpc.service': 'Kinesis',
    'rpc.method': 'PutRecord',
    'cloud.region': 'eu-west-3',
    'aws.request.id': '9a35c309-1520-4dca-b199-99c1ee0c88be',
    'aws.request_id': '9a35c309-1520-4dca-b199-99c1ee0c88be',
    'http.response.status_code': 200,
    'http.request.method': 'POST',
    'server.address': '127.0.0.1',
    'network.protocol.version': '2',
  });
  expect(JSON.stringify(span?.attributes)).not.toContain('Signature');
});

it('marks a 4xx answer as an error', async () => {
  await exchange(KINESIS.request.headers, '/missing');

  const [span] = layerSpans();
  expect([span?.status.code, span?.attributes['http.response.status_code'], span?.attributes['error.type']]).toEqual([SpanStatusCode.ERROR, 400, '400']);
});

it('leaves streams that are not SigV4-signed alone', async () => {
  await exchange({ 'content-type': 'application/json', authorization: 'Bearer token' });

  expect(layerSpans()).toEqual([]);
});

it('records nothing where tracing is suppressed (the aws-sdk instrumentation traces the call itself)', async () => {
  await context.with(suppressTracing(context.active()), () => exchange(KINESIS.request.headers));

  expect(layerSpans()).toEqual([]);
});

it('never lets a failure reach the function: a recogniser that cannot load costs the description, not the call', async () => {
  const written: string[] = [];
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => written.push(String(chunk)) > 0);
  traceAwsCallsOverHttp2(() => {
    throw new Error('aws-requests/recogniser.mjs is missing');
  });

  try {
    await exchange(KINESIS.request.headers);
    await exchange(KINESIS.request.headers);
  } finally {
    stderr.mockRestore();
  }

  expect(written.filter((line) => line.includes('could not describe an AWS API call'))).toHaveLength(1);
  expect(written[0]).toContain('aws-requests/recogniser.mjs is missing');
});
