/**
 * Runs every call of aws-sdk-calls.ts through the real AWS SDK v3 clients (test/fixtures/aws-sdk-clients,
 * unbundled) against the AWS stub, with the aws-sdk instrumentation the layer bundles told not to
 * suppress the HTTP layer below it, and records for each call:
 *   - `request`/`response`: the HTTP request as a client hook sees it (method, host, path,
 *     headers, the first body bytes) and the response's status and headers: the recogniser's input;
 *   - `sdkSpan`: the aws-sdk instrumentation's span (name, attributes): what the recogniser must match;
 *   - `layerSpan`: the span below it that the layer's own AWS request hooks (src/aws-requests/)
 *     made of the HTTP request: the http instrumentation's span (node:http), the undici
 *     instrumentation's (fetch handler), or the layer's HTTP/2 span (Kinesis).
 *
 *   node_modules/node24/bin/node test/support/record-aws-sdk-calls.ts          JSON to stdout
 *   node_modules/node24/bin/node test/support/record-aws-sdk-calls.ts --write  refresh the recorded
 *       requests in test/fixtures/aws-requests/recorded-calls.json (without the layer's spans)
 *
 * It runs in its own process: the instrumentations patch modules through require(), which jest's
 * module registry bypasses.
 */
import { context, propagation, trace, type AttributeValue } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { AwsInstrumentation } from '@opentelemetry/instrumentation-aws-sdk';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { subscribe } from 'node:diagnostics_channel';
import { writeFileSync } from 'node:fs';
import { Agent, ClientRequest, type IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import type { LookupFunction } from 'node:net';
import { join } from 'node:path';
import { awsFetchHooks, awsHttpClientHooks, traceAwsCallsOverHttp2 } from '../../src/aws-requests/index.ts';
import type { UndiciRequestLike } from '../../src/aws-requests/fetch-hooks.ts';
import * as recogniser from '../../src/aws-requests/recogniser.ts';
import { AWS_SDK_CALLS, type AwsSdkCall } from './aws-sdk-calls.ts';
import { startAwsStubServer, type AwsStubServer } from './aws-stub-server.ts';
import { AWS_SDK_CLIENTS_FIXTURE, RECORDED_CALLS_FILE, type RecordedCall, type RecordedRequest, type RecordedSpan, type Recording } from './recorded-aws-calls.ts';

const BODY_HEAD_BYTES = 512;
const OWN_HEADERS = new Set(['traceparent', 'tracestate', 'baggage', 'x-amzn-trace-id']);
const SDK_SCOPE = '@opentelemetry/instrumentation-aws-sdk';

function headerRecord(entries: Iterable<readonly [string, unknown]>): Record<string, string> {
  const record: Record<string, string> = {};
  for (const [name, value] of entries) {
    const lower = name.toLowerCase();
    if (value === undefined || lower.startsWith(':') || OWN_HEADERS.has(lower)) continue;
    record[lower] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return record;
}

function pairs(flat: readonly unknown[]): [string, unknown][] {
  const result: [string, unknown][] = [];
  for (let index = 0; index + 1 < flat.length; index += 2) result.push([String(flat[index]), flat[index + 1]]);
  return result;
}

function bodyHeadOf(chunk: unknown): string {
  if (typeof chunk === 'string') return Buffer.from(chunk).subarray(0, BODY_HEAD_BYTES).toString('utf8');
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, Math.min(chunk.byteLength, BODY_HEAD_BYTES)).toString('utf8');
  return '';
}

interface Capture {
  request: { -readonly [K in keyof RecordedRequest]: RecordedRequest[K] };
  response?: RecordedCall['response'];
}

/** Every host name resolves to the stub on 127.0.0.1: S3's virtual-hosted names included. */
const loopbackLookup = ((_hostname: string, options: { all?: boolean }, callback: (error: Error | null, address: unknown, family?: number) => void) => {
  if (options.all === true) callback(null, [{ address: '127.0.0.1', family: 4 }]);
  else callback(null, '127.0.0.1', 4);
}) as unknown as LookupFunction;

function clientOptions(call: AwsSdkCall, stub: AwsStubServer, fetchHandler: () => unknown): Record<string, unknown> {
  const options: Record<string, unknown> = {
    region: call.region,
    endpoint: call.client === 'client-kinesis' ? stub.http2Url : stub.url,
    maxAttempts: 1,
    credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
  };
  if (call.fetch === true) options['requestHandler'] = fetchHandler();
  if (call.client !== 'client-s3') return options;
  if (call.virtualHosted !== true) return { ...options, forcePathStyle: true };
  // A custom endpoint with an AWS-shaped host: the SDK puts the bucket in front of it.
  return { ...options, endpoint: stub.url.replace('127.0.0.1', 's3.us-east-1.amazonaws.com'), requestHandler: { httpAgent: new Agent({ lookup: loopbackLookup }) } };
}

function callLabel(call: AwsSdkCall): string {
  const variant = call.virtualHosted === true ? ' (virtual-hosted)' : call.fetch === true ? ' (fetch)' : '';
  return `${call.clientClass.replace(/Client$/, '')} ${call.command}${variant}`;
}

function recordedSpan(span: ReadableSpan): RecordedSpan {
  return { name: span.name, attributes: { ...span.attributes } as Record<string, AttributeValue> };
}

/** Wires the http and undici instrumentations' hooks: the capture's first, then the layer's. */
function instrumentations(captures: Map<string, Capture>): [HttpInstrumentation, UndiciInstrumentation] {
  const parentOf = (span: unknown): string => (span as ReadableSpan).parentSpanContext?.spanId ?? '';
  const layerHttp = awsHttpClientHooks(() => recogniser);
  const http = new HttpInstrumentation({
    disableIncomingRequestInstrumentation: true,
    requestHook: (span, request) => {
      if (!(request instanceof ClientRequest)) return;
      const capture: Capture = {
        request: { transport: 'http/1.1', method: request.method, host: request.host, path: request.path, headers: headerRecord(Object.entries(request.getHeaders())), bodyHead: '' },
      };
      captures.set(parentOf(span), capture);
      const { write, end } = request;
      const firstChunk = (chunk: unknown): void => {
        if (capture.request.bodyHead === '' && typeof chunk !== 'function') capture.request.bodyHead = bodyHeadOf(chunk);
      };
      request.write = function (this: ClientRequest, chunk: unknown, ...rest: unknown[]) {
        firstChunk(chunk);
        return Reflect.apply(write, this, [chunk, ...rest]) as boolean;
      } as ClientRequest['write'];
      request.end = function (this: ClientRequest, chunk?: unknown, ...rest: unknown[]) {
        firstChunk(chunk);
        return Reflect.apply(end, this, [chunk, ...rest]) as ClientRequest;
      } as ClientRequest['end'];
      layerHttp.requestHook(span, request);
    },
    responseHook: (span, response) => {
      const capture = captures.get(parentOf(span));
      const incoming = response as IncomingMessage;
      if (capture !== undefined) capture.response = { status: incoming.statusCode ?? 0, headers: headerRecord(Object.entries(incoming.headers)) };
      layerHttp.responseHook(span, response);
    },
  });
  const layerFetch = awsFetchHooks(() => recogniser);
  const fetchCaptures = new WeakMap<object, Capture>();
  subscribe('undici:request:bodyChunkSent', (message) => {
    const { request, chunk } = message as { request: object; chunk: unknown };
    const capture = fetchCaptures.get(request);
    if (capture !== undefined && capture.request.bodyHead === '') capture.request.bodyHead = bodyHeadOf(chunk);
  });
  const undici = new UndiciInstrumentation({
    requestHook: (span, request) => {
      const headers = typeof request.headers === 'string' ? [] : pairs(request.headers);
      const capture: Capture = {
        request: { transport: 'fetch', method: request.method, host: new URL(request.origin).hostname, path: request.path, headers: headerRecord(headers), bodyHead: bodyHeadOf(request.body) },
      };
      captures.set(parentOf(span), capture);
      fetchCaptures.set(request, capture);
      layerFetch.requestHook(span, request as unknown as UndiciRequestLike);
    },
    responseHook: (span, info) => {
      const capture = captures.get(parentOf(span));
      if (capture !== undefined) capture.response = { status: info.response.statusCode, headers: headerRecord(pairs(info.response.headers.map((value) => value.toString('latin1')))) };
      layerFetch.responseHook(span, info as unknown as Parameters<typeof layerFetch.responseHook>[1]);
    },
  });
  return [http, undici];
}

/** HTTP/2 (Kinesis): seen on Node's http2 client diagnostics channels. */
function captureHttp2(captures: Map<string, Capture>): void {
  const streams = new WeakMap<object, Capture>();
  subscribe('http2.client.stream.created', (message) => {
    const { stream, headers } = message as { stream: object; headers: Record<string, string> };
    const capture: Capture = {
      request: { transport: 'h2', method: headers[':method'] ?? '', host: (headers[':authority'] ?? '').replace(/:\d+$/, ''), path: headers[':path'] ?? '', headers: headerRecord(Object.entries(headers)), bodyHead: '' },
    };
    streams.set(stream, capture);
    captures.set(trace.getActiveSpan()?.spanContext().spanId ?? '', capture);
  });
  subscribe('http2.client.stream.bodyChunkSent', (message) => {
    const { stream, data, writev } = message as { stream: object; data: unknown; writev: boolean };
    const capture = streams.get(stream);
    if (capture !== undefined && capture.request.bodyHead === '') capture.request.bodyHead = bodyHeadOf(writev && Array.isArray(data) ? (data[0] as { chunk?: unknown })?.chunk : data);
  });
  subscribe('http2.client.stream.finish', (message) => {
    const { stream, headers } = message as { stream: object; headers: Record<string, string> };
    const capture = streams.get(stream);
    if (capture !== undefined) capture.response = { status: Number(headers[':status']), headers: headerRecord(Object.entries(headers)) };
  });
}

async function recordAwsSdkCalls(): Promise<Recording> {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);

  // Keyed by the aws-sdk span the request belongs to.
  const captures = new Map<string, Capture>();
  registerInstrumentations({ instrumentations: [...instrumentations(captures), new AwsInstrumentation({ suppressInternalInstrumentation: false })] });
  captureHttp2(captures);
  traceAwsCallsOverHttp2(() => recogniser);

  const fixtureRequire = createRequire(join(AWS_SDK_CLIENTS_FIXTURE, 'package.json'));
  const { FetchHttpHandler } = fixtureRequire('@smithy/fetch-http-handler') as { FetchHttpHandler: new () => unknown };
  const stub = await startAwsStubServer();
  const calls: RecordedCall[] = [];
  const clients: Record<string, string> = {};
  try {
    for (const call of AWS_SDK_CALLS) {
      const sdk = fixtureRequire(`@aws-sdk/${call.client}`) as Record<string, new (input: unknown) => { send(command: unknown): Promise<unknown>; destroy(): void }>;
      clients[call.client] = (fixtureRequire(`@aws-sdk/${call.client}/package.json`) as { version: string }).version;
      const client = new sdk[call.clientClass]!(clientOptions(call, stub, () => new FetchHttpHandler()));
      exporter.reset();
      // "not found" calls are meant to fail; the spans say how.
      await client.send(new sdk[`${call.command}Command`]!(call.input)).catch(() => undefined);
      client.destroy();
      // An HTTP/2 stream closes a moment after its response is read.
      await new Promise((resolve) => setTimeout(resolve, 5));
      await provider.forceFlush();
      const spans = exporter.getFinishedSpans();
      const sdkSpan = spans.find((span) => span.instrumentationScope.name === SDK_SCOPE);
      const layerSpan = spans.find((span) => sdkSpan !== undefined && span.parentSpanContext?.spanId === sdkSpan.spanContext().spanId);
      const capture = sdkSpan === undefined ? undefined : captures.get(sdkSpan.spanContext().spanId);
      if (sdkSpan === undefined || capture?.response === undefined) throw new Error(`no aws-sdk span or no HTTP request recorded for ${callLabel(call)}`);
      calls.push({
        call: callLabel(call),
        request: capture.request,
        response: capture.response,
        sdkSpan: recordedSpan(sdkSpan),
        ...(layerSpan === undefined ? {} : { layerSpan: recordedSpan(layerSpan) }),
      });
    }
  } finally {
    await stub.close();
  }
  return { clients, calls };
}

const recording = await recordAwsSdkCalls();
if (process.argv.includes('--write')) {
  const requestsOnly = { ...recording, calls: recording.calls.map(({ layerSpan: _layerSpan, ...call }) => call) };
  writeFileSync(RECORDED_CALLS_FILE, `${JSON.stringify(requestsOnly, null, 2)}\n`);
} else {
  process.stdout.write(`${JSON.stringify(recording)}\n`);
}
// The clients' keep-alive sockets are closed with the stub; nothing else holds the process.
process.exit(0);
