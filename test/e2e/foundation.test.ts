import { join } from 'node:path';
import { startFunction, startOtlpReceiver, type DecodedSpan, type InvokeResult, type OtlpReceiver } from '../sandbox/index.ts';
import { HANDLER_FIXTURES } from '../support/paths.ts';
import { startLocalHttpServer, type LocalHttpServer } from '../support/local-http-server.ts';
import { RUNTIME_COMBINATIONS, startWithLayer, withFunction } from '../support/layer-function.ts';
import { isInvocationSpanOf } from '../support/differential.ts';

jest.setTimeout(60_000);

const SPAN_KIND_SERVER = 2;
const SPAN_KIND_CLIENT = 3;

const HANDLER_SHAPES = [
  { shape: 'cjs', dir: 'cjs', handler: 'index.handler' },
  { shape: 'esm', dir: 'esm', handler: 'index.handler' },
  { shape: 'type-module', dir: 'type-module', handler: 'index.handler' },
  { shape: 'nested-dir', dir: 'nested-dir', handler: 'src/handlers/api.handler' },
] as const;

function xrayHeader(): { header: string; traceId: string; parentId: string } {
  const hex = (length: number): string => Array.from({ length }, () => Math.floor(Math.random() * 16).toString(16)).join('');
  const epoch = Math.floor(Date.now() / 1000).toString(16);
  const unique = hex(24);
  const parentId = hex(16);
  return { header: `Root=1-${epoch}-${unique};Parent=${parentId};Sampled=1`, traceId: epoch + unique, parentId };
}

function invocationSpanOf(spans: DecodedSpan[], requestId: string): DecodedSpan[] {
  return spans.filter((span) => isInvocationSpanOf(span, requestId));
}

function requestCarrying(receiver: OtlpReceiver, span: DecodedSpan): { receivedAt: number; contentType: string } | undefined {
  return receiver.requests.find((request) => request.spans.some((candidate) => candidate.spanId === span.spanId));
}

describe.each(RUNTIME_COMBINATIONS)('the layer on Node $node with aws-lambda-ric $ric', (runtime) => {
  let receiver: OtlpReceiver;
  let downstream: LocalHttpServer;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    downstream = await startLocalHttpServer();
  });

  afterAll(async () => {
    await receiver?.close();
    await downstream?.close();
  });

  describe.each(HANDLER_SHAPES)('with a $shape handler', ({ shape, dir, handler }) => {
    const taskRoot = join(HANDLER_FIXTURES, dir);
    const functionName = `fn-${shape}-node${runtime.node}-${runtime.ric}`;
    const event = (): unknown => ({ echo: { shape, n: 1 }, downstream: `${downstream.url}/stock/42` });

    it('answers byte for byte as without the layer and exports one invocation span per invoke before answering', async () => {
      const bare = await withFunction(startFunction({ ...runtime, taskRoot, handler, functionName }), async (fn) => [
        await fn.invoke(event()),
        await fn.invoke(event()),
      ]);
      const first = xrayHeader();
      const traced: InvokeResult[] = await withFunction(
        startWithLayer({ ...runtime, taskRoot, handler, functionName, env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url } }),
        async (fn) => [await fn.invoke(event(), { traceHeader: first.header }), await fn.invoke(event())],
      );

      expect(traced.map((result) => result.status)).toEqual(['success', 'success']);
      expect(bare.map((result) => result.status)).toEqual(['success', 'success']);
      traced.forEach((result, index) => expect(result.body?.equals(bare[index]?.body ?? Buffer.alloc(0))).toBe(true));

      const spans = receiver.spans();
      const [firstSpans, secondSpans] = traced.map((result) => invocationSpanOf(spans, result.requestId));
      expect(firstSpans).toHaveLength(1);
      expect(secondSpans).toHaveLength(1);
      const [coldSpan, warmSpan] = [firstSpans![0]!, secondSpans![0]!];

      expect(coldSpan.kind).toBe(SPAN_KIND_SERVER);
      expect(coldSpan.attributes['faas.coldstart']).toBe(true);
      expect(warmSpan.attributes['faas.coldstart']).toBe(false);
      expect(coldSpan.attributes['cloud.account.id']).toBe('123456789012');
      expect(coldSpan.resource).toMatchObject({
        'cloud.provider': 'aws',
        'cloud.platform': 'aws_lambda',
        'cloud.region': 'us-east-1',
        'faas.name': functionName,
        'service.name': functionName,
      });

      // Sampled X-Ray header → the invocation joins that trace under the caller's segment.
      expect(coldSpan.traceId).toBe(first.traceId);
      expect(coldSpan.parentSpanId).toBe(first.parentId);

      // The outgoing HTTP call is a child span in the same trace.
      const httpChild = spans.find((span) => span.parentSpanId === coldSpan.spanId && span.kind === SPAN_KIND_CLIENT);
      expect(httpChild?.traceId).toBe(coldSpan.traceId);
      expect(httpChild?.attributes['http.response.status_code'] ?? httpChild?.attributes['http.status_code']).toBe(200);

      // Sync flush: the spans arrived before the runtime posted the result.
      traced.forEach((result, index) => {
        const request = requestCarrying(receiver, [coldSpan, warmSpan][index]!);
        expect(request?.contentType).toBe('application/x-protobuf');
        expect(request!.receivedAt).toBeLessThan(result.timings.responseAt!);
      });
    });
  });

  it('runs the function untouched and exports nothing with the kill switch', async () => {
    const taskRoot = join(HANDLER_FIXTURES, 'cjs');
    const functionName = `fn-killswitch-node${runtime.node}-${runtime.ric}`;
    const event = { echo: 'off' };
    const bare = await withFunction(startFunction({ ...runtime, taskRoot, handler: 'index.handler', functionName }), (fn) => fn.invoke(event));
    const before = receiver.requests.length;

    const switchedOff = await withFunction(
      startWithLayer({
        ...runtime,
        taskRoot,
        handler: 'index.handler',
        functionName,
        env: { OTEL_LAMBDA_DISABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url },
      }),
      (fn) => fn.invoke(event),
    );

    expect(switchedOff.status).toBe('success');
    expect(switchedOff.body?.equals(bare.body!)).toBe(true);
    expect(receiver.requests.length).toBe(before);
    expect(switchedOff.logs.some((line) => line.line.includes('[otel-lambda]'))).toBe(false);
  });
});
