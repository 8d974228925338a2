/**
 * Issue 4, shutdown: spans still queued when Lambda ends the environment are exported within the
 * runtime's share of the shutdown phase. Lambda sends SIGTERM to the runtime (then SIGKILL
 * 300 ms later, 500 ms with an internal extension) only when an extension is registered, so the
 * function also carries an external extension that listens for SHUTDOWN.
 * (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html#runtimes-lifecycle-shutdown)
 */
import { startFunction, startOtlpReceiver, type OtlpReceiver } from '../sandbox/index.ts';
import { RUNTIME_COMBINATIONS, withFunction } from '../support/layer-function.ts';
import { layerDirWithExtension, SHUTDOWN_LISTENER, type LayerCopy } from '../support/layer-with-extension.ts';
import { FLUSH_FIXTURE, LAYER_SCOPE, OTEL_API_PATH, describeSpan, invocationSpanCounts, invokeInSequence, nowMs } from '../support/flush-fixture.ts';
import { withoutInitSpans } from '../support/init-span.ts';

jest.setTimeout(60_000);

/** The runtime's share of the shutdown phase when only external extensions are registered. */
const RUNTIME_SHUTDOWN_SHARE_MS = 300;
const INVOCATIONS = 10;
/** The scope of the spans the fixture handler creates. */
const FIXTURE_SCOPE = 'flush-fixture';
const CHILD_SPANS = 20;
/** Nothing leaves on its own: no flush per invocation, and no scheduled batch for 10 minutes. */
const QUEUE_EVERYTHING = { OTEL_LAMBDA_FLUSH_MODE: 'background', OTEL_BSP_SCHEDULE_DELAY: '600000' };

describe.each(RUNTIME_COMBINATIONS)('shutdown on Node $node with aws-lambda-ric $ric', (runtime) => {
  let receiver: OtlpReceiver;
  let withLayer: LayerCopy;
  let extensionOnly: LayerCopy;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    withLayer = layerDirWithExtension(SHUTDOWN_LISTENER, true);
    extensionOnly = layerDirWithExtension(SHUTDOWN_LISTENER, false);
  });

  afterAll(async () => {
    await receiver?.close();
    withLayer?.remove();
    extensionOnly?.remove();
  });

  it('exports the spans still queued within the runtime’s share of the shutdown phase, then lets the runtime end as without the layer', async () => {
    // Prepare
    const spec = { ...runtime, taskRoot: FLUSH_FIXTURE, handler: 'index.handler', env: { ...QUEUE_EVERYTHING, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url } };
    const event = (index: number): unknown => ({ echo: index, spans: CHILD_SPANS, otelApi: OTEL_API_PATH });
    const bare = await startFunction({ ...spec, functionName: 'shutdown-bare', layerDir: extensionOnly.dir });
    await invokeInSequence(bare, 1, event);
    const bareEnvironment = bare.environment()!;
    await bare.shutdown();
    const fn = await startFunction({ ...spec, functionName: `shutdown-node${runtime.node}-${runtime.ric}`, layerDir: withLayer.dir, execWrapper: withLayer.execWrapper! });

    // Act
    const results = await invokeInSequence(fn, INVOCATIONS, event);
    const queuedBeforeShutdown = receiver.spans().length;
    const environment = fn.environment()!;
    const shutdownAt = nowMs();
    await fn.shutdown();

    // Assess
    expect(results.map((result) => result.status)).toEqual(Array(INVOCATIONS).fill('success'));
    expect(environment.api.extensions().map((extension) => extension.name)).toEqual(['shutdown-listener']);
    // Nothing had left before the shutdown (else this test would prove nothing).
    expect(queuedBeforeShutdown).toBe(0);
    expect(invocationSpanCounts(receiver, results)).toEqual(Array(INVOCATIONS).fill(1));
    const functionSpans = withoutInitSpans(receiver.spans()).filter((span) => span.scope.name === LAYER_SCOPE || span.scope.name === FIXTURE_SCOPE);
    const spanIds = functionSpans.map((span) => span.spanId);
    expect(new Set(spanIds).size).toBe(spanIds.length);
    expect(spanIds).toHaveLength(INVOCATIONS * (1 + CHILD_SPANS));
    const lastReceivedAt = Math.max(...receiver.requests.map((request) => request.receivedAt));
    expect(lastReceivedAt - shutdownAt).toBeLessThan(RUNTIME_SHUTDOWN_SHARE_MS);
    // Ended by the SIGTERM itself, as without the layer, not by the SIGKILL that follows.
    expect(environment.runtime!.exit!.signal).toBe(bareEnvironment.runtime!.exit!.signal);
    expect(environment.runtime!.exit!.at - shutdownAt).toBeLessThan(RUNTIME_SHUTDOWN_SHARE_MS);
    // Nothing else (the cold start's init span aside): the layer's own export requests are never traced.
    expect(withoutInitSpans(receiver.spans()).filter((span) => !functionSpans.includes(span)).map(describeSpan)).toEqual([]);
  });
});
