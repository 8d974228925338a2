/**
 * Issue 6, end to end: the invocation span of the built layer in the local Lambda describes its
 * trigger (span name, kind, attributes), continues the caller's trace from the event's HTTP
 * headers, links queue messages to their senders, and falls back to the invocation's X-Ray header.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { newTraceHeader, startOtlpReceiver, type InvokeResult, type OtlpReceiver } from '../sandbox/index.ts';
import { STATUS_CODE_UNSET, expectOneInvocationSpan } from '../support/differential.ts';
import { RUNTIME_COMBINATIONS, startWithLayer, withFunction } from '../support/layer-function.ts';
import { HANDLER_FIXTURES, REPO_ROOT } from '../support/paths.ts';

jest.setTimeout(60_000);

/** `Span.SpanKind` in opentelemetry-proto trace/v1/trace.proto. */
const SPAN_KIND_SERVER = 2;
const SPAN_KIND_CONSUMER = 5;

const TASK_ROOT = join(HANDLER_FIXTURES, 'triggers');
/** Node 24 with ric v4 (nodejs24.x) and Node 22 with ric v3 (classic nodejs22.x). */
const RUNTIMES = RUNTIME_COMBINATIONS.filter((runtime) => (runtime.node === 24 && runtime.ric === 'v4') || (runtime.node === 22 && runtime.ric === 'v3'));

type Json = Record<string, unknown>;

function loadEvent(name: string): Json {
  return JSON.parse(readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'events', `${name}.json`), 'utf8')) as Json;
}

/** A caller's fresh span context. */
function callerIds(): { traceId: string; spanId: string } {
  return { traceId: randomBytes(16).toString('hex'), spanId: randomBytes(8).toString('hex') };
}

/** `Root=1-<epoch>-<unique>;Parent=<id>;Sampled=1` → OpenTelemetry ids. */
function xrayIds(header: string): { traceId: string; spanId: string } {
  const [, epoch, unique] = /Root=1-([0-9a-f]{8})-([0-9a-f]{24})/.exec(header) ?? [];
  const [, parent] = /Parent=([0-9a-f]{16})/.exec(header) ?? [];
  return { traceId: `${epoch}${unique}`, spanId: parent ?? '' };
}

describe.each(RUNTIMES)('triggers on Node $node with aws-lambda-ric $ric', (runtime) => {
  let receiver: OtlpReceiver;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
  });

  afterAll(async () => {
    await receiver?.close();
  });

  const invoke = (name: string, event: unknown, traceHeader: string): Promise<InvokeResult> =>
    withFunction(
      startWithLayer({
        ...runtime,
        taskRoot: TASK_ROOT,
        handler: 'index.handler',
        functionName: `triggers-${name}-node${runtime.node}-${runtime.ric}`,
        env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url },
      }),
      (fn) => fn.invoke(event, { traceHeader }),
    );

  it("continues the caller's trace from an HTTP API traceparent header, ahead of a sampled X-Ray header", async () => {
    // Prepare
    const caller = callerIds();
    const event = loadEvent('api-gateway-http');
    (event['headers'] as Json)['traceparent'] = `00-${caller.traceId}-${caller.spanId}-01`;

    // Act
    const result = await invoke('http-api', event, newTraceHeader(true));

    // Assess
    expect(result.status).toBe('success');
    const span = expectOneInvocationSpan(receiver, result);
    expect({ traceId: span.traceId, parentSpanId: span.parentSpanId, kind: span.kind, name: span.name }).toEqual({
      traceId: caller.traceId,
      parentSpanId: caller.spanId,
      kind: SPAN_KIND_SERVER,
      name: 'GET /orders/{id}',
    });
    expect(span.attributes).toEqual(
      expect.objectContaining({
        'faas.trigger': 'http',
        'http.request.method': 'GET',
        'http.route': '/orders/{id}',
        'url.path': '/orders/42',
        'url.scheme': 'https',
        'http.response.status_code': 200,
      }),
    );
    expect(span.status.code).toBe(STATUS_CODE_UNSET);
  });

  it('links an SQS batch to the three traces its messages were sent in', async () => {
    // Prepare
    const senders = [callerIds(), callerIds(), callerIds()];
    const event = loadEvent('sqs');
    const records = event['Records'] as Array<{ messageId: string; attributes: Json; messageAttributes: Json }>;
    const epochAndUnique = (traceId: string): string => `${traceId.slice(0, 8)}-${traceId.slice(8)}`;
    records[0]!.attributes['AWSTraceHeader'] = `Root=1-${epochAndUnique(senders[0]!.traceId)};Parent=${senders[0]!.spanId};Sampled=1`;
    records[1]!.messageAttributes['traceparent'] = { stringValue: `00-${senders[1]!.traceId}-${senders[1]!.spanId}-01`, dataType: 'String' };
    records[2]!.attributes['AWSTraceHeader'] = `Root=1-${epochAndUnique(senders[2]!.traceId)};Parent=${senders[2]!.spanId};Sampled=0`;

    // Act
    const result = await invoke('sqs', event, newTraceHeader(false));

    // Assess
    expect(result.status).toBe('success');
    const span = expectOneInvocationSpan(receiver, result);
    expect(span.kind).toBe(SPAN_KIND_CONSUMER);
    expect(span.name).toBe('process orders-queue');
    expect(span.attributes).toEqual(
      expect.objectContaining({ 'faas.trigger': 'pubsub', 'messaging.system': 'aws_sqs', 'messaging.destination.name': 'orders-queue', 'messaging.batch.message_count': 3 }),
    );
    expect(span.links.map((link) => ({ traceId: link.traceId, spanId: link.spanId, messageId: link.attributes['messaging.message.id'] }))).toEqual(
      senders.map((sender, index) => ({ ...sender, messageId: records[index]!.messageId })),
    );
    // Links are not parents: with an unsampled invocation header the span starts its own trace.
    expect(senders.map((sender) => sender.traceId)).not.toContain(span.traceId);
    expect(span.parentSpanId).toBe('');
  });

  it("takes the parent from the invocation's sampled X-Ray header when the event carries no headers", async () => {
    // Prepare
    const event = loadEvent('api-gateway-http');
    delete event['headers'];
    const traceHeader = newTraceHeader(true);

    // Act
    const result = await invoke('xray-only', event, traceHeader);

    // Assess
    expect(result.status).toBe('success');
    const span = expectOneInvocationSpan(receiver, result);
    const xray = xrayIds(traceHeader);
    expect({ traceId: span.traceId, parentSpanId: span.parentSpanId, kind: span.kind, name: span.name }).toEqual({
      traceId: xray.traceId,
      parentSpanId: xray.spanId,
      kind: SPAN_KIND_SERVER,
      name: 'GET /orders/{id}',
    });
  });
});
