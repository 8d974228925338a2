import { join } from 'node:path';
import { startOtlpReceiver, type DecodedSpan, type OtlpReceiver } from '../sandbox/index.ts';
import { startAwsStubServer, type AwsStubServer } from '../support/aws-stub-server.ts';
import { startLocalHttpServer } from '../support/local-http-server.ts';
import { HANDLER_FIXTURES } from '../support/paths.ts';
import { startWithLayer, withFunction } from '../support/layer-function.ts';
import { isInvocationSpanOf } from '../support/differential.ts';

jest.setTimeout(60_000);

const SPAN_KIND_CLIENT = 3;

function invocationSpan(spans: DecodedSpan[], requestId: string): DecodedSpan | undefined {
  return spans.find((span) => isInvocationSpanOf(span, requestId));
}

describe.each([
  { node: 24, ric: 'v4', handler: 'index.handler', module: 'cjs' },
  { node: 24, ric: 'v4', handler: 'esm-entry.handler', module: 'esm' },
  { node: 22, ric: 'v3', handler: 'index.handler', module: 'cjs' },
] as const)('AWS SDK v3 calls on Node $node with ric $ric from a $module handler', ({ node, ric, handler, module }) => {
  let receiver: OtlpReceiver;
  let aws: AwsStubServer;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    aws = await startAwsStubServer();
  });

  afterAll(async () => {
    await aws?.close();
    await receiver?.close();
  });

  it('become client spans with rpc and aws attributes under the invocation span', async () => {
    const result = await withFunction(
      startWithLayer({ node, ric, taskRoot: join(HANDLER_FIXTURES, 'aws-sdk'), handler, functionName: `aws-sdk-${module}-${node}`, env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url } }),
      (fn) => fn.invoke({ endpoint: aws.url }),
    );

    expect(result.status).toBe('success');
    expect(JSON.parse(result.body!.toString())).toEqual({ buckets: 1, found: true });
    const spans = receiver.spans();
    const invocation = invocationSpan(spans, result.requestId);
    const awsSpans = spans.filter((span) => span.parentSpanId === invocation?.spanId && span.kind === SPAN_KIND_CLIENT);
    expect(awsSpans.map((span) => [span.attributes['rpc.service'], span.attributes['rpc.method']]).sort()).toEqual([
      ['DynamoDB', 'GetItem'],
      ['S3', 'ListBuckets'],
    ]);
    const dynamo = awsSpans.find((span) => span.attributes['rpc.service'] === 'DynamoDB');
    expect(dynamo?.attributes['aws.dynamodb.table_names']).toEqual(['orders']);
    expect(dynamo?.attributes['rpc.system']).toBe('aws-api');
  });

  it('disappear when aws-sdk is disabled', async () => {
    const result = await withFunction(
      startWithLayer({
        node,
        ric,
        taskRoot: join(HANDLER_FIXTURES, 'aws-sdk'),
        handler,
        functionName: `aws-sdk-off-${module}-${node}`,
        env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'aws-sdk' },
      }),
      (fn) => fn.invoke({ endpoint: aws.url }),
    );

    expect(result.status).toBe('success');
    const spans = receiver.spans();
    const invocation = invocationSpan(spans, result.requestId);
    expect(invocation).toBeDefined();
    expect(spans.filter((span) => span.traceId === invocation?.traceId && span.attributes['rpc.system'] === 'aws-api')).toEqual([]);
  });
});

describe.each([
  { node: 24, ric: 'v4' },
  { node: 22, ric: 'v4' },
  { node: 22, ric: 'v3' },
] as const)('built-ins used from an ES module on Node $node with ric $ric', ({ node, ric }) => {
  it('trace an http call made through `import` and a global fetch, both started lazily', async () => {
    const receiver = await startOtlpReceiver();
    const downstream = await startLocalHttpServer();
    try {
      const result = await withFunction(
        startWithLayer({ node, ric, taskRoot: join(HANDLER_FIXTURES, 'esm-builtins'), handler: 'index.handler', functionName: `esm-builtins-${node}-${ric}`, env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url } }),
        (fn) => fn.invoke({ downstream: downstream.url }),
      );

      expect(JSON.parse(result.body!.toString())).toEqual({ viaHttp: 200, viaFetch: 200 });
      const spans = receiver.spans();
      const invocation = invocationSpan(spans, result.requestId);
      const clientPaths = spans
        .filter((span) => span.parentSpanId === invocation?.spanId && span.kind === SPAN_KIND_CLIENT)
        .map((span) => String(span.attributes['url.full'] ?? span.attributes['http.url'] ?? span.attributes['url.path'] ?? ''))
        .map((url) => url.replace(downstream.url, ''))
        .sort();
      expect(clientPaths).toEqual(['/fetch', '/http']);
    } finally {
      await downstream.close();
      await receiver.close();
    }
  });
});
