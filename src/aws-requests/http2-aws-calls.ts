import { context, SpanKind, SpanStatusCode, trace, type Attributes, type Span, type Tracer } from '@opentelemetry/api';
import { subscribe } from 'node:diagnostics_channel';
import { isAwsSigned } from './aws-signed.ts';
import { guarded } from './guarded.ts';
import { loadBundledRecogniser, type LoadRecogniser } from './load-recogniser.ts';

type Http2Headers = Readonly<Record<string, string | string[] | number | undefined>>;
interface StreamMessage {
  readonly stream: { once(event: 'close', listener: () => void): unknown };
  readonly headers: Http2Headers;
}

export const HTTP2_SCOPE = 'otel-lambda-layer/aws-requests';

/**
 * Client spans for AWS API calls sent over HTTP/2, which no instrumentation traces: the Kinesis
 * client sends over HTTP/2 by default (`NodeHttp2Handler`), so a bundled Kinesis client would
 * otherwise leave no trace at all. Node's http2 client diagnostics channels (Node ≥ 22.16)
 * report each stream: created (request headers), finish (response headers), error; the span
 * ends when the stream closes. Only SigV4-signed streams get a span. When the SDK is not
 * bundled, the aws-sdk instrumentation suppresses tracing around its own requests, so the span
 * started here does not record and is dropped: no duplicate.
 * https://nodejs.org/api/diagnostics_channel.html#http2
 */
export function traceAwsCallsOverHttp2(load: LoadRecogniser = loadBundledRecogniser): void {
  let tracer: Tracer | undefined;
  const spans = new WeakMap<object, Span>();
  const onCreated = guarded((message: unknown) => {
    const { stream, headers } = message as StreamMessage;
    if (!isAwsSigned(headers['authorization'])) return;
    const authority = text(headers[':authority']) ?? '';
    const method = text(headers[':method']) ?? 'POST';
    const path = text(headers[':path']) ?? '/';
    const recogniser = load();
    const call = recogniser.recogniseAwsRequest({ method, host: hostOf(authority), path, header: (name) => text(headers[name]) });
    if (call === undefined) return;
    tracer ??= trace.getTracer(HTTP2_SCOPE);
    const span = tracer.startSpan(
      recogniser.awsCallSpanName(call) ?? method,
      { kind: SpanKind.CLIENT, attributes: { ...recogniser.awsCallAttributes(call), ...httpAttributes(method, text(headers[':scheme']) ?? 'https', authority, path) } },
      context.active(),
    );
    if (!span.isRecording()) return;
    spans.set(stream, span);
    stream.once('close', () => {
      spans.delete(stream);
      span.end();
    });
  });
  const onFinish = guarded((message: unknown) => {
    const { stream, headers } = message as StreamMessage;
    const span = spans.get(stream);
    if (span === undefined) return;
    const status = Number(headers[':status']);
    span.setAttributes({ 'http.response.status_code': status, ...load().awsResponseAttributes((name) => text(headers[name])) });
    // A client span's 4xx and 5xx are errors (semantic conventions, HTTP spans: status).
    if (status >= 400) {
      span.setAttribute('error.type', String(status));
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
  });
  const onError = guarded((message: unknown) => {
    const { stream, error } = message as { stream: object; error: unknown };
    const span = spans.get(stream);
    if (span === undefined) return;
    const exception = error instanceof Error ? error : new Error(String(error));
    span.recordException(exception);
    span.setStatus({ code: SpanStatusCode.ERROR, message: exception.message });
  });
  subscribe('http2.client.stream.created', onCreated);
  subscribe('http2.client.stream.finish', onFinish);
  subscribe('http2.client.stream.error', onError);
}

function text(value: string | string[] | number | undefined): string | undefined {
  if (value === undefined || typeof value === 'string') return value;
  return typeof value === 'number' ? String(value) : value[0];
}

function hostOf(authority: string): string {
  const colon = authority.lastIndexOf(':');
  return colon === -1 || authority.endsWith(']') ? authority : authority.slice(0, colon);
}

/**
 * The stable HTTP client attributes the http instrumentation writes too, but for the query
 * string, left out of `url.full`: its values (upload ids, prefixes, continuation tokens) are the
 * call's input.
 */
function httpAttributes(method: string, scheme: string, authority: string, path: string): Attributes {
  const colon = authority.lastIndexOf(':');
  const port = colon === -1 || authority.endsWith(']') ? (scheme === 'http' ? 80 : 443) : Number(authority.slice(colon + 1));
  const query = path.indexOf('?');
  return {
    'http.request.method': method,
    'server.address': hostOf(authority),
    'server.port': port,
    'url.full': `${scheme}://${authority}${query === -1 ? path : path.slice(0, query)}`,
    'network.protocol.version': '2',
  };
}
