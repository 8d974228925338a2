/**
 * Issue 11, part 3: AWS SDK v3 clients bundled into the handler by esbuild (CommonJS and ES module
 * output, as CDK's NodejsFunction and SAM's esbuild build produce) are out of the aws-sdk
 * instrumentation's reach; their calls are recognised from the HTTP requests instead
 * (src/aws-requests/). The same handler unbundled is traced by the aws-sdk instrumentation, with
 * no second span for any call. Clients at today's versions (test/fixtures/aws-sdk-clients, its own
 * lock file), against the AWS stub.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type BuildOptions } from 'esbuild';
import { startOtlpReceiver, type DecodedSpan, type OtlpReceiver } from '../sandbox/index.ts';
import { awsCallView, semconvRequestIdOf, AWS_SDK_SCOPE, type AwsCallView } from '../support/aws-spans.ts';
import { startAwsStubServer, type AwsStubCall, type AwsStubServer } from '../support/aws-stub-server.ts';
import { invocationSpansOf, SPAN_KIND_CLIENT } from '../support/config-harness.ts';
import { RUNTIME_COMBINATIONS, startWithLayer, withFunction } from '../support/layer-function.ts';
import { AWS_SDK_CLIENTS_FIXTURE } from '../support/recorded-aws-calls.ts';

jest.setTimeout(180_000);

const REGION = 'eu-west-1';
/** `Span.SpanKind` PRODUCER: the aws-sdk instrumentation's kind for SQS SendMessage and SNS Publish. */
const SPAN_KIND_PRODUCER = 4;

/** The handler's calls in order, as the aws-sdk instrumentation describes them. */
const EXPECTED_CALLS = [
  { service: 'S3', operation: 'PutObject', status: 200, bucket: 'orders' },
  { service: 'S3', operation: 'GetObject', status: 200, bucket: 'orders' },
  { service: 'S3', operation: 'GetObject', status: 404, bucket: 'orders' },
  { service: 'DynamoDB', operation: 'GetItem', status: 200, bucket: undefined },
  { service: 'SQS', operation: 'SendMessage', status: 200, bucket: undefined },
  { service: 'SNS', operation: 'Publish', status: 200, bucket: undefined },
  { service: 'Kinesis', operation: 'PutRecord', status: 200, bucket: undefined },
  { service: 'SSM', operation: 'GetParameter', status: 200, bucket: undefined },
];

type Packaging = 'bundled as CommonJS' | 'bundled as an ES module' | 'unbundled';

interface Traced {
  readonly result: unknown;
  /** The invocation span's client and producer children, in the order they started. */
  readonly calls: readonly DecodedSpan[];
  /** What the stub answered, in order. */
  readonly answered: readonly AwsStubCall[];
}

let bundles: string;

/** Bundles the fixture's handler as users' build tools do; the SDK clients go into the bundle. */
beforeAll(async () => {
  bundles = mkdtempSync(join(tmpdir(), 'otel-lambda-aws-bundles-'));
  const common: BuildOptions = { entryPoints: [join(AWS_SDK_CLIENTS_FIXTURE, 'handler.mjs')], bundle: true, platform: 'node', target: 'node22', logLevel: 'silent' };
  writeFileSync(join(bundles, 'package.json'), JSON.stringify({ type: 'commonjs' }));
  await build({ ...common, format: 'cjs', outfile: join(bundles, 'cjs', 'index.js') });
  // CDK's documented ESM settings: the SDK's ES module builds, and a require() for the CommonJS
  // code that still calls it.
  await build({
    ...common,
    format: 'esm',
    mainFields: ['module', 'main'],
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
    outfile: join(bundles, 'esm', 'index.mjs'),
  });
});

afterAll(() => {
  if (bundles !== undefined) rmSync(bundles, { recursive: true, force: true });
});

const PACKAGINGS: readonly { packaging: Packaging; taskRoot: () => string; handler: string }[] = [
  { packaging: 'bundled as CommonJS', taskRoot: () => join(bundles, 'cjs'), handler: 'index.handler' },
  { packaging: 'bundled as an ES module', taskRoot: () => join(bundles, 'esm'), handler: 'index.handler' },
  { packaging: 'unbundled', taskRoot: () => AWS_SDK_CLIENTS_FIXTURE, handler: 'handler.handler' },
];

/** The fields two spans of the same call share; request ids differ from call to call. */
function comparable(view: AwsCallView): Omit<AwsCallView, 'requestId' | 'name'> {
  const { requestId: _requestId, name: _name, ...rest } = view;
  return rest;
}

describe.each(RUNTIME_COMBINATIONS)('AWS SDK v3 calls on Node $node with ric $ric', (runtime) => {
  let receiver: OtlpReceiver;
  let aws: AwsStubServer;
  const traced = new Map<Packaging, Traced>();

  // One function start per packaging, one invocation each; the tests below read the results.
  beforeAll(async () => {
    [receiver, aws] = await Promise.all([startOtlpReceiver(), startAwsStubServer()]);
    for (const { packaging, taskRoot, handler } of PACKAGINGS) {
      const before = aws.calls.length;
      const result = await withFunction(
        startWithLayer({
          ...runtime,
          taskRoot: taskRoot(),
          handler,
          region: REGION,
          functionName: `aws-sdk-${packaging.replace(/\W+/g, '-')}-${runtime.node}-${runtime.ric}`,
          env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, AWS_ENDPOINT_URL: aws.url, AWS_ENDPOINT_URL_KINESIS: aws.http2Url },
        }),
        (fn) => fn.invoke({ orderId: 7 }),
      );
      const spans = receiver.spans();
      const [invocation] = invocationSpansOf(spans, result.requestId);
      const calls = spans
        .filter((span) => span.parentSpanId === invocation?.spanId && (span.kind === SPAN_KIND_CLIENT || span.kind === SPAN_KIND_PRODUCER))
        .sort((a, b) => Number(a.startTimeUnixNano - b.startTimeUnixNano));
      traced.set(packaging, { result: result.body === undefined ? result.error : JSON.parse(result.body.toString()), calls, answered: aws.calls.slice(before) });
    }
  });

  afterAll(async () => {
    await aws?.close();
    await receiver?.close();
  });

  it.each(PACKAGINGS.map(({ packaging }) => packaging))('answers the same %s', (packaging) => {
    expect(traced.get(packaging)?.result).toEqual({ body: 'hello', missing: 'NoSuchKey', found: true });
  });

  it.each(['bundled as CommonJS', 'bundled as an ES module'] as const)(
    'records each call %s as an AWS API call: Service.Operation, service, method, region, status and the request id',
    (packaging) => {
      const { calls, answered } = traced.get(packaging)!;

      expect(calls.map(awsCallView)).toEqual(
        EXPECTED_CALLS.map((call, index) => ({
          name: `${call.service}.${call.operation}`,
          service: call.service,
          operation: call.operation,
          region: REGION,
          status: call.status,
          bucket: call.bucket,
          requestId: answered[index]?.requestId,
        })),
      );
      expect(calls.map((span) => [span.kind, span.attributes['rpc.system'], semconvRequestIdOf(span)])).toEqual(answered.map((call) => [SPAN_KIND_CLIENT, 'aws-api', call.requestId]));
      expect(JSON.stringify(calls.map((span) => span.attributes))).not.toMatch(/Signature=|AKIA|ASIA/);
    },
  );

  it('leaves the aws-sdk instrumentation\'s spans as they are when the SDK is not bundled, with no second span per call', () => {
    const { calls, answered } = traced.get('unbundled')!;

    expect(calls.map((span) => span.scope.name)).toEqual(EXPECTED_CALLS.map(() => AWS_SDK_SCOPE));
    expect(calls.map(awsCallView).map(comparable)).toEqual(EXPECTED_CALLS.map((call) => ({ ...call, region: REGION })));
    expect(answered).toHaveLength(EXPECTED_CALLS.length);
    // The instrumentation's spans have no children: the HTTP requests below them are not traced.
    const spanIds = new Set(calls.map((span) => span.spanId));
    expect(receiver.spans().filter((span) => spanIds.has(span.parentSpanId))).toEqual([]);
  });

  it('describes a call bundled the way the aws-sdk instrumentation describes it unbundled', () => {
    const unbundled = traced.get('unbundled')!.calls;
    // Span names and kinds too, but for SQS SendMessage and SNS Publish, which the instrumentation
    // makes PRODUCER spans named from the call's input (`orders send`); recognised from the HTTP
    // request, they stay CLIENT spans named Service.Operation.
    const nameAndKind = (spans: readonly DecodedSpan[]): unknown[] =>
      spans.filter((span) => !['SQS', 'SNS'].includes(String(awsCallView(span).service))).map((span) => [span.name, span.kind]);

    for (const packaging of ['bundled as CommonJS', 'bundled as an ES module'] as const) {
      const bundled = traced.get(packaging)!.calls;
      expect(bundled.map(awsCallView).map(comparable)).toEqual(unbundled.map(awsCallView).map(comparable));
      expect(nameAndKind(bundled)).toEqual(nameAndKind(unbundled));
    }
  });
});
