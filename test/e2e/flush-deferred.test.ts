/**
 * Issue 4, deferred flush (OTEL_LAMBDA_FLUSH_MODE=deferred): the result goes to the runtime at
 * once; the layer's internal extension, registered for INVOKE during init, exports the
 * invocation's spans after the response and before it returns to /event/next, so the
 * invocation (and with it the sandbox's freeze) waits for the export but the caller does not.
 */
import { startFunction, startOtlpReceiver, type InvokeResult, type OtlpReceiver } from '../sandbox/index.ts';
import { startLocalHttpServer, type LocalHttpServer } from '../support/local-http-server.ts';
import { RUNTIME_COMBINATIONS, startWithLayer, withFunction } from '../support/layer-function.ts';
import {
  FLUSH_FIXTURE,
  OTEL_API_PATH,
  bodyText,
  invocationSpanCounts,
  invocationSpansById,
  invokeInSequence,
  requestsCarrying,
  sampledTraceHeader,
  type KnownTraceHeader,
} from '../support/flush-fixture.ts';
import { withoutInitSpans } from '../support/init-span.ts';

jest.setTimeout(90_000);

/** The internal extension's name (src/flush/deferred-flush.ts). */
const INTERNAL_EXTENSION = 'otel-lambda-layer';
const TIMED_INVOCATIONS = 20;
const CHILD_SPANS = 5;
const SPANS_PER_INVOCATION = 1 + CHILD_SPANS + 1;
const NO_LOSS_INVOCATIONS = 200;
const DEFERRED = { OTEL_LAMBDA_FLUSH_MODE: 'deferred' };

describe.each(RUNTIME_COMBINATIONS)('deferred flush on Node $node with aws-lambda-ric $ric', (runtime) => {
  let receiver: OtlpReceiver;
  let downstream: LocalHttpServer;
  const spec = { ...runtime, taskRoot: FLUSH_FIXTURE, handler: 'index.handler' };

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    downstream = await startLocalHttpServer();
  });

  afterAll(async () => {
    await receiver?.close();
    await downstream?.close();
  });

  it('registers an internal extension for INVOKE during init, answers first and exports before the invocation finishes', async () => {
    // Prepare
    const headers: KnownTraceHeader[] = Array.from({ length: TIMED_INVOCATIONS }, () => sampledTraceHeader());
    const event = (index: number): unknown => ({ echo: index, spans: CHILD_SPANS, otelApi: OTEL_API_PATH, downstream: `${downstream.url}/deferred/${index}` });
    const invokeAll = async (fn: Awaited<ReturnType<typeof startFunction>>): Promise<InvokeResult[]> => {
      const out: InvokeResult[] = [];
      for (const [index, known] of headers.entries()) out.push(await fn.invoke(event(index), { traceHeader: known.header }));
      return out;
    };
    const bare = await withFunction(startFunction({ ...spec, functionName: 'deferred-bare' }), invokeAll);

    // Act
    const { results, extensions, initDoneAt } = await withFunction(
      startWithLayer({ ...spec, functionName: `deferred-node${runtime.node}-${runtime.ric}`, env: { ...DEFERRED, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url } }),
      async (fn) => {
        const api = fn.environment()!.api;
        const doneAt = await api.initDone;
        return { results: await invokeAll(fn), extensions: api.extensions(), initDoneAt: doneAt };
      },
    );

    // Assess: one internal extension, for INVOKE only, registered before init completed.
    expect(extensions.map(({ name, external, events }) => ({ name, external, events }))).toEqual([
      { name: INTERNAL_EXTENSION, external: false, events: ['INVOKE'] },
    ]);
    expect(extensions[0]!.registeredAt).toBeLessThan(initDoneAt);
    // The function's answers are the same as without the layer.
    expect(results.map(bodyText)).toEqual(bare.map(bodyText));
    expect(results.map((result) => result.status)).toEqual(bare.map((result) => result.status));
    // Each invocation: response posted < every span's export received < invocation finished.
    results.forEach((result, index) => {
      expect(result.postResponseTimeout).toBeUndefined();
      expect(result.timings.extensionsBackAt[INTERNAL_EXTENSION]).toBeDefined();
      const spans = withoutInitSpans(receiver.spans()).filter((span) => span.traceId === headers[index]!.traceId);
      expect(spans).toHaveLength(SPANS_PER_INVOCATION);
      for (const span of spans) {
        const carriers = requestsCarrying(receiver, span);
        expect(carriers).toHaveLength(1);
        expect(carriers[0]!.receivedAt).toBeGreaterThan(result.timings.responseAt!);
        expect(carriers[0]!.receivedAt).toBeLessThan(result.timings.finishedAt!);
      }
    });
  });

  it(`loses no span over ${NO_LOSS_INVOCATIONS} invocations, each exported before its invocation finished`, async () => {
    // Act
    const results = await withFunction(
      startWithLayer({ ...spec, functionName: `deferred-many-node${runtime.node}-${runtime.ric}`, env: { ...DEFERRED, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url } }),
      (fn) => invokeInSequence(fn, NO_LOSS_INVOCATIONS, (index) => ({ echo: index })),
    );

    // Assess
    const failed = results.filter((result) => result.status !== 'success' || result.postResponseTimeout === true);
    expect(failed.map(({ status, error, postResponseTimeout }) => ({ status, errorType: error?.errorType, postResponseTimeout }))).toEqual([]);
    expect(invocationSpanCounts(receiver, results)).toEqual(Array(NO_LOSS_INVOCATIONS).fill(1));
    const byId = invocationSpansById(receiver);
    const lateExports = results.filter((result) => {
      const [carrier] = requestsCarrying(receiver, byId.get(result.requestId)![0]!);
      return !(carrier!.receivedAt < result.timings.finishedAt!);
    });
    expect(lateExports.map((result) => result.requestId)).toEqual([]);
  });
});

describe('deferred flush on Node 22 with aws-lambda-ric v3', () => {
  let receiver: OtlpReceiver;
  const spec = { node: 22 as const, ric: 'v3' as const, taskRoot: FLUSH_FIXTURE, handler: 'index.callback' };

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
  });

  afterAll(async () => {
    await receiver?.close();
  });

  it('still completes a callback handler, with its span exported after the response and before the invocation finished', async () => {
    // Prepare
    const bare = await withFunction(startFunction({ ...spec, functionName: 'deferred-callback-bare' }), (fn) => invokeInSequence(fn, 3, (index) => ({ echo: index })));

    // Act
    const results = await withFunction(
      startWithLayer({ ...spec, functionName: 'deferred-callback', env: { ...DEFERRED, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url } }),
      (fn) => invokeInSequence(fn, 3, (index) => ({ echo: index })),
    );

    // Assess
    expect(results.map((result) => result.status)).toEqual(['success', 'success', 'success']);
    expect(results.map(bodyText)).toEqual(bare.map(bodyText));
    expect(invocationSpanCounts(receiver, results)).toEqual([1, 1, 1]);
    const byId = invocationSpansById(receiver);
    for (const result of results) {
      const [carrier] = requestsCarrying(receiver, byId.get(result.requestId)![0]!);
      expect(carrier!.receivedAt).toBeGreaterThan(result.timings.responseAt!);
      expect(carrier!.receivedAt).toBeLessThan(result.timings.finishedAt!);
    }
  });
});
