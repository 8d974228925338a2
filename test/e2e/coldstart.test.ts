/**
 * Issue 15, the init span (src/coldstart/): on a cold start the first invocation's trace shows
 * Lambda's init, from the runtime process's start to the handler loaded, with its phases; with
 * provisioned concurrency and on Managed Instances, where init runs ahead of invocations, it is
 * a trace of its own that the first invocation links to. Failed inits are covered with the
 * other init failures in handler-shapes-failures.test.ts.
 */
import { join } from 'node:path';
import { startOtlpReceiver, type DecodedSpan, type InvokeResult, type OtlpReceiver } from '../sandbox/index.ts';
import { expectOneInvocationSpan } from '../support/differential.ts';
import {
  childrenOf,
  epochMsOf,
  HANDLER_LOAD_PHASE,
  INITIALIZATION_TYPE,
  initSpansOf,
  LAYER_START_PHASE,
} from '../support/init-span.ts';
import { RUNTIME_COMBINATIONS, startWithLayer, withFunction, type RuntimeCombination } from '../support/layer-function.ts';
import { HANDLER_FIXTURES } from '../support/paths.ts';

jest.setTimeout(60_000);

/**
 * Span times come from the runtime process's clock, the sandbox's times from the test process's;
 * both are performance.timeOrigin + performance.now() on one machine, a few ms apart at most.
 */
const CLOCK_TOLERANCE_MS = 5;

interface Run {
  readonly results: InvokeResult[];
  readonly functionName: string;
}

describe.each(RUNTIME_COMBINATIONS)('the init span on Node $node with aws-lambda-ric $ric', (runtime) => {
  let receiver: OtlpReceiver;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
  });

  afterAll(async () => {
    await receiver?.close();
  });

  const run = (name: string, fixture: string, handler: string, env: Record<string, string> = {}, invokes = 2): Promise<Run> => {
    const functionName = `coldstart-${name}-node${runtime.node}-${runtime.ric}`;
    const spec = { ...runtime, taskRoot: join(HANDLER_FIXTURES, fixture), handler, functionName, env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, ...env } };
    return withFunction(startWithLayer(spec), async (fn) => {
      const results: InvokeResult[] = [];
      for (let index = 0; index < invokes; index++) results.push(await fn.invoke({ echo: index }));
      return { results, functionName };
    });
  };

  it.each([
    { shape: 'CommonJS', fixture: 'cjs', file: 'index.js' },
    { shape: 'ES module', fixture: 'esm', file: 'index.mjs' },
  ])(
    "puts into the first invocation's trace, on demand, a $shape handler's init from the process start to the handler loaded, with the layer's start and the handler's load",
    async ({ fixture, file }) => {
      // Act
      const { results, functionName } = await run(`on-demand-${fixture}`, fixture, 'index.handler');

      // Assess
      const [first, second] = results as [InvokeResult, InvokeResult];
      expect([first.status, second.status]).toEqual(['success', 'success']);
      const invocation = expectOneInvocationSpan(receiver, first);
      const inits = initSpansOf(receiver.spans(), functionName);
      expect(inits).toHaveLength(1);
      const init = inits[0]!;
      expect({ traceId: init.traceId, parentSpanId: init.parentSpanId }).toEqual({ traceId: invocation.traceId, parentSpanId: invocation.spanId });
      expect(init.attributes).toEqual({ 'faas.coldstart': true, [INITIALIZATION_TYPE]: 'on-demand' });
      // From the process start, within Lambda's init, over before the event was handed over.
      expect(epochMsOf(init.endTimeUnixNano - init.startTimeUnixNano)).toBeLessThanOrEqual(first.initDurationMs! + CLOCK_TOLERANCE_MS);
      expect(epochMsOf(init.endTimeUnixNano)).toBeLessThanOrEqual(first.timings.dispatchedAt! + CLOCK_TOLERANCE_MS);
      const phases = childrenOf(receiver.spans(), init);
      expect(phases.map((phase) => phase.name)).toEqual([LAYER_START_PHASE, HANDLER_LOAD_PHASE]);
      for (const phase of phases) expectWithin(phase, init);
      expect(phases[1]!.attributes['code.file.path']).toBe(join(HANDLER_FIXTURES, fixture, file));
      // A warm invocation has no init span in its trace.
      const warm = expectOneInvocationSpan(receiver, second);
      expect(warm.attributes['faas.coldstart']).toBe(false);
      expect(receiver.spans().filter((span) => span.traceId === warm.traceId).map((span) => span.name)).toEqual([warm.name]);
    },
  );

  it("makes init its own trace with provisioned concurrency, linked from the first invocation's span", async () => {
    // Act
    const { results, functionName } = await run('provisioned', 'cjs', 'index.handler', { AWS_LAMBDA_INITIALIZATION_TYPE: 'provisioned-concurrency' });

    // Assess
    const init = expectOwnTraceLinkedFrom(receiver, functionName, results, 'provisioned-concurrency');
    expect(childrenOf(receiver.spans(), init).map((phase) => phase.name)).toEqual([LAYER_START_PHASE, HANDLER_LOAD_PHASE]);
  });
});

describe('the init span on Lambda Managed Instances (Node 24, aws-lambda-ric v4)', () => {
  const runtime: RuntimeCombination = { node: 24, ric: 'v4' };

  it("is a trace of its own per worker, linked from that worker's first invocation", async () => {
    // Prepare
    const receiver = await startOtlpReceiver();
    const functionName = 'coldstart-managed-instances';
    const env = {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      AWS_LAMBDA_MAX_CONCURRENCY: '2',
      // One worker, so that both invocations go to it.
      AWS_LAMBDA_NODEJS_WORKER_COUNT: '1',
    };

    try {
      // Act
      const results = await withFunction(startWithLayer({ ...runtime, taskRoot: join(HANDLER_FIXTURES, 'cjs'), handler: 'index.handler', functionName, env }), async (fn) => {
        const out = [await fn.invoke({ echo: 1 }), await fn.invoke({ echo: 2 })];
        // Background flush (the Managed Instances default) exports on its timer.
        await receiver.waitForSpans((spans) => initSpansOf(spans, functionName).length === 1 && spans.length >= 5, 10_000);
        return out;
      });

      // Assess
      expectOwnTraceLinkedFrom(receiver, functionName, results, 'lambda-managed-instances');
    } finally {
      await receiver.close();
    }
  });
});

describe('the init span switched off (Node 24, aws-lambda-ric v4)', () => {
  it('is not exported with OTEL_LAMBDA_INIT_SPAN=false, nor for a failed init', async () => {
    // Prepare
    const receiver = await startOtlpReceiver();
    const start = (name: string, fixture: string): ReturnType<typeof startWithLayer> =>
      startWithLayer({
        node: 24,
        ric: 'v4',
        taskRoot: join(HANDLER_FIXTURES, fixture),
        handler: 'index.handler',
        functionName: `coldstart-off-${name}`,
        env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_LAMBDA_INIT_SPAN: 'false' },
      });

    try {
      // Act
      const [ok, failed] = await Promise.all([withFunction(start('ok', 'cjs'), (fn) => fn.invoke({})), withFunction(start('failed', 'init-throws'), (fn) => fn.invoke({}))]);

      // Assess
      expect([ok.status, failed.status]).toEqual(['success', 'init-error']);
      const invocation = expectOneInvocationSpan(receiver, ok);
      expect(invocation.attributes['faas.coldstart']).toBe(true);
      expect(receiver.spans().map((span) => span.name)).toEqual([invocation.name]);
    } finally {
      await receiver.close();
    }
  });
});

describe('a failed init with a collector that never answers (Node 22, aws-lambda-ric v3)', () => {
  it('is reported by the runtime once the flush budget is spent', async () => {
    // Prepare
    const flushTimeoutMs = 300;
    const slackMs = 500;
    const receiver = await startOtlpReceiver({ responder: () => ({ neverAnswer: true }) });

    try {
      // Act
      const result = await withFunction(
        startWithLayer({
          node: 22,
          ric: 'v3',
          taskRoot: join(HANDLER_FIXTURES, 'init-throws'),
          handler: 'index.handler',
          functionName: 'coldstart-hung-collector',
          env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_LAMBDA_FLUSH_TIMEOUT_MS: String(flushTimeoutMs) },
        }),
        (fn) => fn.invoke({}),
      );

      // Assess
      expect([result.status, result.error?.errorType, result.runtimeExit?.code]).toEqual(['init-error', 'Error', 129]);
      const exportArrivedAt = receiver.requests[0]?.receivedAt;
      expect(exportArrivedAt).toBeDefined();
      expect(result.timings.initErrorAt! - exportArrivedAt!).toBeLessThanOrEqual(flushTimeoutMs + slackMs);
    } finally {
      await receiver.close();
    }
  });
});

/** `phase` lies within `parent`'s time. */
function expectWithin(phase: DecodedSpan, parent: DecodedSpan): void {
  expect(phase.startTimeUnixNano).toBeGreaterThanOrEqual(parent.startTimeUnixNano);
  expect(phase.endTimeUnixNano).toBeLessThanOrEqual(parent.endTimeUnixNano);
}

/** One init span, a root of its own trace with the init type; the first invocation links to it, the second does not. */
function expectOwnTraceLinkedFrom(receiver: OtlpReceiver, functionName: string, results: readonly InvokeResult[], initializationType: string): DecodedSpan {
  const [first, second] = results as [InvokeResult, InvokeResult];
  expect([first.status, second.status]).toEqual(['success', 'success']);
  const inits = initSpansOf(receiver.spans(), functionName);
  expect(inits).toHaveLength(1);
  const init = inits[0]!;
  expect(init.parentSpanId).toBe('');
  expect(init.attributes).toEqual({ 'faas.coldstart': true, [INITIALIZATION_TYPE]: initializationType });
  const invocation = expectOneInvocationSpan(receiver, first);
  expect(invocation.traceId).not.toBe(init.traceId);
  expect(invocation.links.map((link) => ({ traceId: link.traceId, spanId: link.spanId }))).toEqual([{ traceId: init.traceId, spanId: init.spanId }]);
  expect(expectOneInvocationSpan(receiver, second).links).toEqual([]);
  return init;
}
