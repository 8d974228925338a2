/**
 * Issue 5, diagnostics: what the layer says about itself (OTEL_LOG_LEVEL), the OTEL_SDK_DISABLED
 * switch, and that every bad value costs exactly one warning while the function still runs and
 * is traced.
 */
import {
  CJS_FIXTURE,
  NODE_22,
  NODE_24,
  bodyJson,
  invocationSpansOf,
  layerLines,
  layerWarnings,
  runWithLayer,
  runWithoutLayer,
  statusesOf,
  withReceiver,
} from '../support/config-harness.ts';
import { startLocalHttpServer, type LocalHttpServer } from '../support/local-http-server.ts';

jest.setTimeout(60_000);

let downstream: LocalHttpServer;

beforeAll(async () => {
  downstream = await startLocalHttpServer();
});

afterAll(async () => {
  await downstream?.close();
});

const event = (echo: string): unknown => ({ echo, downstream: `${downstream.url}/diagnostics/${echo}` });

describe.each([NODE_24, NODE_22])('the layer log on Node $node with aws-lambda-ric $ric', (runtime) => {
  const label = `node${runtime.node}-${runtime.ric}`;

  it('OTEL_LOG_LEVEL=debug reports the init time and the instrumentations started, prefixed [otel-lambda]', async () => {
    await withReceiver(async (receiver) => {
      const run = await runWithLayer(runtime, {
        taskRoot: CJS_FIXTURE,
        functionName: `cfg-debug-${label}`,
        env: { OTEL_LOG_LEVEL: 'debug', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url },
        invokes: [{ event: event('debug') }],
      });

      expect(statusesOf(run)).toEqual(['success']);
      const lines = layerLines(run.logs);
      expect(lines.filter((line) => /^\[otel-lambda\] DEBUG started in \d+(\.\d+)? ms\b/.test(line))).toHaveLength(1);
      expect(lines.filter((line) => /^\[otel-lambda\] DEBUG instrumentation http started\b/.test(line))).toHaveLength(1);
      // Every line the layer writes carries the prefix at its start.
      for (const line of lines) expect(line.startsWith('[otel-lambda] ')).toBe(true);
      expect(invocationSpansOf(receiver.spans(), run.results[0]!.requestId)).toHaveLength(1);
    });
  });

  it('prints nothing at the default level on a healthy start and invocations', async () => {
    await withReceiver(async (receiver) => {
      const run = await runWithLayer(runtime, {
        taskRoot: CJS_FIXTURE,
        functionName: `cfg-quiet-${label}`,
        env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url },
        invokes: [{ event: event('quiet-1') }, { event: event('quiet-2') }],
      });

      expect(statusesOf(run)).toEqual(['success', 'success']);
      expect(layerLines(run.logs)).toEqual([]);
      expect(run.results.map((result) => invocationSpansOf(receiver.spans(), result.requestId).length)).toEqual([1, 1]);
    });
  });
});

describe('OTEL_SDK_DISABLED on Node 24 with aws-lambda-ric v4', () => {
  it('true: exports nothing and the function answers exactly as without the layer', async () => {
    await withReceiver(async (receiver) => {
      const spec = { taskRoot: CJS_FIXTURE, functionName: 'cfg-sdk-disabled', invokes: [{ event: event('disabled') }, { event: event('disabled') }] };

      const bare = await runWithoutLayer(NODE_24, spec);
      const disabled = await runWithLayer(NODE_24, { ...spec, env: { OTEL_SDK_DISABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url } });

      expect(statusesOf(disabled)).toEqual(['success', 'success']);
      disabled.results.forEach((result, index) => expect(result.body?.equals(bare.results[index]!.body!)).toBe(true));
      expect(receiver.requests).toEqual([]);
      expect(layerLines(disabled.logs)).toEqual([]);
      // Nor does the disabled layer add anything to the outgoing call.
      const calls = downstream.requests.filter((request) => request.url === '/diagnostics/disabled');
      expect(calls.map((call) => call.headers['traceparent'])).toEqual([undefined, undefined, undefined, undefined]);
    });
  });
});

interface BadValue {
  readonly variable: string;
  readonly value: string;
  /** Other variables the case needs. */
  readonly also: Readonly<Record<string, string>>;
  readonly note: string;
}

describe('a bad value on Node 24 with aws-lambda-ric v4', () => {
  it.each<BadValue>([
    { variable: 'OTEL_TRACES_EXPORTER', value: 'zipkin', also: {}, note: '' },
    { variable: 'OTEL_LAMBDA_FLUSH_TIMEOUT_MS', value: 'soon', also: {}, note: '' },
    { variable: 'OTEL_TRACES_SAMPLER_ARG', value: 'abc', also: {}, note: '' },
    { variable: 'OTEL_TRACES_SAMPLER_ARG', value: 'abc', also: { OTEL_TRACES_SAMPLER: 'traceidratio' }, note: ' under traceidratio' },
    { variable: 'OTEL_TRACES_SAMPLER', value: 'sometimes', also: {}, note: '' },
    { variable: 'OTEL_NODE_DISABLED_INSTRUMENTATIONS', value: 'not-an-instrumentation', also: {}, note: '' },
    { variable: 'OTEL_NODE_ENABLED_INSTRUMENTATIONS', value: 'http,not-an-instrumentation', also: {}, note: '' },
    { variable: 'OTEL_PROPAGATORS', value: 'tracecontext,b3-bogus', also: {}, note: '' },
    { variable: 'OTEL_SDK_DISABLED', value: 'maybe', also: {}, note: '' },
    { variable: 'OTEL_LOG_LEVEL', value: 'verbose', also: {}, note: '' },
    { variable: 'OTEL_LAMBDA_FLUSH_MODE', value: 'eventually', also: {}, note: '' },
  ])('$variable=$value$note: exactly one warning naming it, and the function runs traced', async ({ variable, value, also }) => {
    await withReceiver(async (receiver) => {
      // Act
      const run = await runWithLayer(NODE_24, {
        taskRoot: CJS_FIXTURE,
        functionName: 'cfg-bad-value',
        env: { ...also, [variable]: value, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url },
        invokes: [{ event: event('bad-value') }, { event: event('bad-value') }],
      });

      // Assess: one line in all (no second report from the SDK), a warning naming the variable and the value.
      expect(statusesOf(run)).toEqual(['success', 'success']);
      expect(bodyJson(run.results[0]!)).toEqual({ shape: 'cjs', echo: 'bad-value', downstream: { status: 200, body: '{"inStock":true}' } });
      const lines = layerLines(run.logs);
      expect(lines).toHaveLength(1);
      expect(layerWarnings(run.logs)).toEqual(lines);
      expect(lines[0]).toContain(variable);
      expect(lines[0]).toContain(value.split(',').at(-1));
      expect(run.results.map((result) => invocationSpansOf(receiver.spans(), result.requestId).length)).toEqual([1, 1]);
    });
  });
});

describe('OTEL_RESOURCE_ATTRIBUTES on Node 24 with aws-lambda-ric v4', () => {
  it('adds attributes that win over detected ones, and OTEL_SERVICE_NAME names the service', async () => {
    await withReceiver(async (receiver) => {
      const run = await runWithLayer(NODE_24, {
        taskRoot: CJS_FIXTURE,
        functionName: 'cfg-resource',
        env: {
          OTEL_RESOURCE_ATTRIBUTES: 'team=payments,deployment.environment.name=prod,cloud.region=eu-central-1',
          OTEL_SERVICE_NAME: 'checkout',
          OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        },
        invokes: [{ event: event('resource') }],
      });

      expect(statusesOf(run)).toEqual(['success']);
      const [span] = invocationSpansOf(receiver.spans(), run.results[0]!.requestId);
      expect(span?.resource).toEqual(
        expect.objectContaining({
          team: 'payments',
          'deployment.environment.name': 'prod',
          'cloud.region': 'eu-central-1',
          'service.name': 'checkout',
          'faas.name': 'cfg-resource',
          'cloud.provider': 'aws',
        }),
      );
      expect(layerLines(run.logs)).toEqual([]);
    });
  });

  it('malformed (novalue,=x,ok=1): the function runs traced, good entries kept, one warning naming the bad entries', async () => {
    await withReceiver(async (receiver) => {
      // Act
      const run = await runWithLayer(NODE_24, {
        taskRoot: CJS_FIXTURE,
        functionName: 'cfg-resource-malformed',
        env: { OTEL_RESOURCE_ATTRIBUTES: 'novalue,=x,ok=1', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url },
        invokes: [{ event: event('resource-malformed') }],
      });

      // Assess: the layer's choice (src/config/resource-attributes.ts): each malformed entry is
      // skipped with a warning and the good ones are kept. (The specification would discard the
      // whole value and report an error; the SDK's env detector discards it silently.)
      expect(statusesOf(run)).toEqual(['success']);
      const [span] = invocationSpansOf(receiver.spans(), run.results[0]!.requestId);
      expect(span).toBeDefined();
      expect(span!.resource).toEqual(expect.objectContaining({ ok: '1', 'service.name': 'cfg-resource-malformed', 'faas.name': 'cfg-resource-malformed' }));
      expect(span!.resource).not.toHaveProperty(['novalue']);
      expect(span!.resource).not.toHaveProperty(['']);
      const warnings = layerWarnings(run.logs);
      expect(layerLines(run.logs)).toEqual(warnings);
      // One bad variable, one warning (STYLE.md), naming both bad entries.
      expect(warnings).toHaveLength(1);
      expect(warnings.filter((line) => line.includes('OTEL_RESOURCE_ATTRIBUTES') && line.includes('"novalue"') && line.includes('"=x"'))).toHaveLength(1);
    });
  });
});
