/**
 * Issue 5, the hooks module (OTEL_LAMBDA_HOOKS_MODULE, src/hooks/user-hooks.ts): request and
 * response hooks, span processors and trigger extractors supplied by the function, and that
 * hooks which throw never change the function's answer and are reported once.
 */
import { join } from 'node:path';
import { startOtlpReceiver, type OtlpReceiver } from '../sandbox/index.ts';
import {
  CJS_FIXTURE,
  HOOKS_FIXTURE,
  NODE_22,
  NODE_24,
  SPAN_KIND_SERVER,
  bodyJson,
  clientChildrenOf,
  invocationSpansOf,
  layerLines,
  layerWarnings,
  runWithLayer,
  runWithoutLayer,
  statusesOf,
  THROWING_HOOKS_FIXTURE,
} from '../support/config-harness.ts';
import { startLocalHttpServer, type LocalHttpServer } from '../support/local-http-server.ts';
import type { RuntimeCombination } from '../support/layer-function.ts';

jest.setTimeout(60_000);

let receiver: OtlpReceiver;
let downstream: LocalHttpServer;

beforeAll(async () => {
  [receiver, downstream] = await Promise.all([startOtlpReceiver(), startLocalHttpServer()]);
});

afterAll(async () => {
  await Promise.all([receiver?.close(), downstream?.close()]);
});

describe.each([
  { ...NODE_24, hooksPath: 'otel-hooks.js', how: 'relative to LAMBDA_TASK_ROOT' },
  { ...NODE_22, hooksPath: join(HOOKS_FIXTURE, 'otel-hooks.js'), how: 'absolute' },
] as const)('a hooks module ($how) on Node $node with aws-lambda-ric $ric', ({ node, ric, hooksPath }) => {
  const runtime: RuntimeCombination = { node, ric };
  const functionName = `cfg-hooks-node${node}-${ric}`;

  it('runs its request and response hooks, span processor and trigger extractor', async () => {
    // Act: a direct invoke with an HTTP call, then an event only the module's extractor recognises.
    const run = await runWithLayer(runtime, {
      taskRoot: HOOKS_FIXTURE,
      functionName,
      // The counts below are of the invocations' spans: the init span and its phases, which pass
      // through the processor too on a cold start, are left out.
      env: { OTEL_LAMBDA_HOOKS_MODULE: hooksPath, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_LAMBDA_INIT_SPAN: 'false' },
      invokes: [
        { event: { echo: 'first', tenant: 't-1', downstream: `${downstream.url}/hooks/${node}` } },
        { event: { source: 'my-app.custom', echo: 'custom' } },
      ],
    });

    // Assess
    expect(statusesOf(run)).toEqual(['success', 'success']);
    expect(layerLines(run.logs)).toEqual([]);
    // The processor saw each span start, and each end before the next invocation's answer.
    expect(run.results.map(bodyJson)).toEqual([
      { echo: 'first', downstream: 200, processorCounts: { started: 2, ended: 1 } },
      { echo: 'custom', downstream: null, processorCounts: { started: 3, ended: 2 } },
    ]);
    const spans = receiver.spans();
    const [first, custom] = run.results.map((result) => invocationSpansOf(spans, result.requestId));
    expect(first).toHaveLength(1);
    expect(first![0]!.attributes).toEqual(
      expect.objectContaining({
        'app.request_hook': true,
        'app.tenant': 't-1',
        'app.function_from_context': functionName,
        'app.response_hook': true,
        'app.result_echo': '"first"',
        'app.had_error': false,
        'app.processor_sequence': 1,
        'faas.trigger': 'other',
      }),
    );
    const [httpChild] = clientChildrenOf(spans, first![0]!);
    expect(httpChild?.attributes['app.processor_sequence']).toBe(2);

    expect(custom).toHaveLength(1);
    // The extractor's `kind: 1` is SpanKind.SERVER of @opentelemetry/api, which OTLP numbers 2.
    expect(custom![0]).toEqual(expect.objectContaining({ name: 'custom', kind: SPAN_KIND_SERVER }));
    expect(custom![0]!.attributes).toEqual(
      expect.objectContaining({
        'faas.trigger': 'other',
        'app.custom': true,
        'app.request_hook': true,
        'app.tenant': 'none',
        'app.result_echo': '"custom"',
        'app.processor_sequence': 3,
      }),
    );
  });

  it('whose members all throw: same answers as without the layer, traced, each failure logged once over 3 invokes', async () => {
    // Prepare
    const spec = {
      taskRoot: THROWING_HOOKS_FIXTURE,
      functionName: `cfg-hooks-throwing-node${node}-${ric}`,
      invokes: [1, 2, 3].map((n) => ({ event: { echo: n } })),
    };
    const throwingPath = hooksPath === 'otel-hooks.js' ? hooksPath : join(THROWING_HOOKS_FIXTURE, 'otel-hooks.js');

    // Act
    const bare = await runWithoutLayer(runtime, spec);
    const traced = await runWithLayer(runtime, { ...spec, env: { OTEL_LAMBDA_HOOKS_MODULE: throwingPath, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url } });

    // Assess
    expect(statusesOf(traced)).toEqual(['success', 'success', 'success']);
    expect(statusesOf(bare)).toEqual(['success', 'success', 'success']);
    traced.results.forEach((result, index) => expect(result.body?.equals(bare.results[index]!.body!)).toBe(true));
    expect(traced.results.map((result) => invocationSpansOf(receiver.spans(), result.requestId).length)).toEqual([1, 1, 1]);

    const lines = layerLines(traced.logs);
    expect(new Set(lines).size).toBe(lines.length);
    const mentioning = (what: RegExp): string[] => lines.filter((line) => what.test(line));
    expect(mentioning(/requestHook/)).toHaveLength(1);
    expect(mentioning(/responseHook/)).toHaveLength(1);
    expect(mentioning(/\(onStart\)/)).toHaveLength(1);
    expect(mentioning(/\(onEnd\)/)).toHaveLength(1);
    expect(mentioning(/broken-extractor/)).toHaveLength(1);
    // One line per failing member, never one per invocation or per span.
    expect(lines.length).toBeLessThanOrEqual(7);
  });
});

describe('a hooks module that does not exist on Node 24 with aws-lambda-ric v4', () => {
  it('costs one warning naming it, and the function runs traced', async () => {
    const run = await runWithLayer(NODE_24, {
      taskRoot: CJS_FIXTURE,
      functionName: 'cfg-hooks-missing',
      env: { OTEL_LAMBDA_HOOKS_MODULE: 'does-not-exist/otel-hooks.js', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url },
      invokes: [{ event: { echo: 'missing-hooks' } }, { event: { echo: 'missing-hooks' } }],
    });

    expect(statusesOf(run)).toEqual(['success', 'success']);
    expect(bodyJson(run.results[0]!)).toEqual({ shape: 'cjs', echo: 'missing-hooks', downstream: null });
    const warnings = layerWarnings(run.logs);
    expect(warnings).toHaveLength(1);
    expect(layerLines(run.logs)).toEqual(warnings);
    expect(warnings[0]).toContain('OTEL_LAMBDA_HOOKS_MODULE');
    expect(warnings[0]).toContain('does-not-exist/otel-hooks.js');
    expect(run.results.map((result) => invocationSpansOf(receiver.spans(), result.requestId).length)).toEqual([1, 1]);
  });
});
