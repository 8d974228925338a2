/**
 * Issue 5, instrumentation switches: OTEL_NODE_ENABLED_INSTRUMENTATIONS and
 * OTEL_NODE_DISABLED_INSTRUMENTATIONS, checked by the client spans that reach the collector, and
 * lazy loading, checked by the layer's debug log.
 */
import { startOtlpReceiver, type OtlpReceiver } from '../sandbox/index.ts';
import { startAwsStubServer, type AwsStubServer } from '../support/aws-stub-server.ts';
import {
  AWS_AND_HTTP_FIXTURE,
  AWS_SDK_FIXTURE,
  CJS_FIXTURE,
  NODE_22,
  NODE_24,
  bodyJson,
  clientChildrenOf,
  invocationSpansOf,
  isAwsSdkSpan,
  isHttpClientSpan,
  layerLines,
  runWithLayer,
  statusesOf,
  type Run,
} from '../support/config-harness.ts';
import { startLocalHttpServer, type LocalHttpServer } from '../support/local-http-server.ts';
import { withoutInitSpans } from '../support/init-span.ts';

jest.setTimeout(60_000);

let receiver: OtlpReceiver;
let aws: AwsStubServer;
let downstream: LocalHttpServer;

beforeAll(async () => {
  [receiver, aws, downstream] = await Promise.all([startOtlpReceiver(), startAwsStubServer(), startLocalHttpServer()]);
});

afterAll(async () => {
  await Promise.all([receiver?.close(), aws?.close(), downstream?.close()]);
});

/** The client spans directly under the run's one invocation span, as [kind of call, name]. */
function clientCallsOf(run: Run): Array<[string, string]> {
  const spans = receiver.spans();
  const invocation = invocationSpansOf(spans, run.results[0]!.requestId);
  expect(invocation).toHaveLength(1);
  return clientChildrenOf(spans, invocation[0]!)
    .map((span): [string, string] => [isAwsSdkSpan(span) ? 'aws-sdk' : isHttpClientSpan(span) ? 'http' : span.scope.name, span.name])
    .sort(([a, nameA], [b, nameB]) => a.localeCompare(b) || nameA.localeCompare(nameB));
}

describe('instrumentation switches on Node 24 with aws-lambda-ric v4', () => {
  const runMixed = (functionName: string, env: Record<string, string>): Promise<Run> =>
    runWithLayer(NODE_24, {
      taskRoot: AWS_AND_HTTP_FIXTURE,
      functionName,
      env: { ...env, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url },
      invokes: [{ event: { endpoint: aws.url, downstream: `${downstream.url}/switches/${functionName}` } }],
    });
  const AWS_CALLS: Array<[string, string]> = [
    ['aws-sdk', 'DynamoDB.GetItem'],
    ['aws-sdk', 'S3.ListBuckets'],
  ];
  const HTTP_CALL: [string, string] = ['http', 'GET'];

  it('by default traces both the AWS SDK calls and the plain HTTP call', async () => {
    const run = await runMixed('cfg-instr-default', {});

    expect(statusesOf(run)).toEqual(['success']);
    expect(bodyJson(run.results[0]!)).toEqual({ buckets: 1, found: true, downstream: 200 });
    expect(clientCallsOf(run)).toEqual([...AWS_CALLS, HTTP_CALL]);
  });

  it.each(['aws-sdk', '@opentelemetry/instrumentation-aws-sdk'])(
    'OTEL_NODE_ENABLED_INSTRUMENTATIONS=%s keeps the AWS SDK spans and drops the HTTP client span',
    async (name) => {
      const run = await runMixed('cfg-instr-enabled', { OTEL_NODE_ENABLED_INSTRUMENTATIONS: name });

      expect(statusesOf(run)).toEqual(['success']);
      expect(bodyJson(run.results[0]!)).toEqual({ buckets: 1, found: true, downstream: 200 });
      expect(clientCallsOf(run)).toEqual(AWS_CALLS);
      expect(layerLines(run.logs)).toEqual([]);
    },
  );

  it.each(['http', '@opentelemetry/instrumentation-http'])('OTEL_NODE_DISABLED_INSTRUMENTATIONS=%s removes the HTTP child span', async (name) => {
    const run = await runMixed('cfg-instr-disabled', { OTEL_NODE_DISABLED_INSTRUMENTATIONS: name });

    expect(statusesOf(run)).toEqual(['success']);
    expect(clientCallsOf(run)).toEqual(AWS_CALLS);
    expect(layerLines(run.logs)).toEqual([]);
  });

  it('OTEL_NODE_DISABLED_INSTRUMENTATIONS=http on a function that only calls HTTP leaves the invocation span alone', async () => {
    const run = await runWithLayer(NODE_24, {
      taskRoot: CJS_FIXTURE,
      functionName: 'cfg-instr-http-off',
      env: { OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'http', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url },
      invokes: [{ event: { echo: 'http-off', downstream: `${downstream.url}/switches/http-off` } }],
    });

    expect(statusesOf(run)).toEqual(['success']);
    expect(clientCallsOf(run)).toEqual([]);
    const [invocation] = invocationSpansOf(receiver.spans(), run.results[0]!.requestId);
    expect(withoutInitSpans(receiver.spans()).filter((span) => span.traceId === invocation!.traceId)).toEqual([invocation]);
    // Nothing was injected into the call either: without the http instrumentation no one propagates.
    expect(downstream.requests.find((request) => request.url === '/switches/http-off')?.headers['traceparent']).toBeUndefined();
  });
});

describe.each([NODE_24, NODE_22])('lazy instrumentations on Node $node with aws-lambda-ric $ric', (runtime) => {
  const label = `node${runtime.node}-${runtime.ric}`;
  const started = (run: Run, name: string): string[] =>
    layerLines(run.logs).filter((line) => line.startsWith(`[otel-lambda] DEBUG instrumentation ${name} started`));

  it('start aws-sdk when the function requires the AWS SDK, once', async () => {
    const run = await runWithLayer(runtime, {
      taskRoot: AWS_SDK_FIXTURE,
      functionName: `cfg-lazy-aws-${label}`,
      env: { OTEL_LOG_LEVEL: 'debug', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url },
      invokes: [{ event: { endpoint: aws.url } }, { event: { endpoint: aws.url } }],
    });

    expect(statusesOf(run)).toEqual(['success', 'success']);
    expect(started(run, 'aws-sdk')).toHaveLength(1);
    expect(started(run, 'http')).toHaveLength(1);
    const spans = receiver.spans();
    const invocation = invocationSpansOf(spans, run.results[1]!.requestId);
    expect(clientChildrenOf(spans, invocation[0]!).filter(isAwsSdkSpan)).toHaveLength(2);
  });

  it('never start aws-sdk for a function that never requires the AWS SDK', async () => {
    const run = await runWithLayer(runtime, {
      taskRoot: CJS_FIXTURE,
      functionName: `cfg-lazy-none-${label}`,
      env: { OTEL_LOG_LEVEL: 'debug', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url },
      invokes: [{ event: { echo: 'lazy', downstream: `${downstream.url}/lazy/${label}` } }, { event: { echo: 'lazy' } }],
    });

    expect(statusesOf(run)).toEqual(['success', 'success']);
    // The debug log is on and says so for what did start.
    expect(started(run, 'http')).toHaveLength(1);
    expect(layerLines(run.logs).filter((line) => line.includes('aws-sdk'))).toEqual([]);
    // Nor anything else: the fixture requires node:http and nothing more, and never calls fetch
    // (which would start undici's).
    const startedNames = layerLines(run.logs).flatMap((line) => /^\[otel-lambda\] DEBUG instrumentation (\S+) started/.exec(line)?.[1] ?? []);
    expect(startedNames).toEqual(['http']);
  });
});
