/**
 * Issue 4 on Lambda Managed Instances: invocations run concurrently in the runtime client's
 * worker threads, and extensions cannot subscribe to INVOKE. Each invocation gets its own trace
 * under its own X-Ray header, its outgoing call stays in that trace, and spans leave in the
 * background without any invocation waiting for another's export.
 */
import { startOtlpReceiver, startFunction, type InvokeResult, type LambdaInstance, type OtlpReceiver } from '../sandbox/index.ts';
import { startLocalHttpServer, type LocalHttpServer } from '../support/local-http-server.ts';
import { startWithLayer, type RuntimeCombination } from '../support/layer-function.ts';
import { layerDirWithExtension, SHUTDOWN_LISTENER, type LayerCopy } from '../support/layer-with-extension.ts';
import {
  FLUSH_FIXTURE,
  invocationSpanCounts,
  invocationSpansById,
  sampledTraceHeader,
  waitForInvocationSpans,
  type KnownTraceHeader,
} from '../support/flush-fixture.ts';

jest.setTimeout(60_000);

const SPAN_KIND_CLIENT = 3;
const CONCURRENCY = 8;
const MANAGED_INSTANCES = {
  AWS_LAMBDA_INITIALIZATION_TYPE: 'lambda-managed-instances',
  AWS_LAMBDA_MAX_CONCURRENCY: String(CONCURRENCY),
  // ric v4 would otherwise start 8 worker threads per CPU.
  AWS_LAMBDA_NODEJS_WORKER_COUNT: '4',
};
/** Managed Instances runtimes: aws-lambda-ric v4 only (v3 has no worker threads). */
const RUNTIMES: readonly RuntimeCombination[] = [
  { node: 24, ric: 'v4' },
  { node: 22, ric: 'v4' },
];

interface ThreadReport {
  thread: { isMainThread: boolean; threadId: number };
}

/** Sends CONCURRENCY overlapping invocations, the first sleeping longest, each with its own trace header. */
async function invokeOverlapping(fn: LambdaInstance, headers: readonly KnownTraceHeader[], downstream: LocalHttpServer): Promise<InvokeResult[]> {
  return Promise.all(
    headers.map((known, index) =>
      fn.invoke(
        { echo: index, sleepMs: (CONCURRENCY - index) * 60, downstream: `${downstream.url}/mi/${index}`, reportThread: true },
        { traceHeader: known.header },
      ),
    ),
  );
}

describe.each(RUNTIMES)('Managed Instances on Node $node with aws-lambda-ric $ric', (runtime) => {
  let receiver: OtlpReceiver;
  let downstream: LocalHttpServer;
  let withListener: LayerCopy;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    downstream = await startLocalHttpServer();
    withListener = layerDirWithExtension(SHUTDOWN_LISTENER, true);
  });

  afterAll(async () => {
    await receiver?.close();
    await downstream?.close();
    withListener?.remove();
  });

  it('traces overlapping invocations in the worker threads, each in its own trace, exported in the background', async () => {
    // Prepare
    const headers = Array.from({ length: CONCURRENCY }, () => sampledTraceHeader());
    const fn = await startWithLayer({
      ...runtime,
      taskRoot: FLUSH_FIXTURE,
      handler: 'index.handler',
      functionName: `mi-node${runtime.node}`,
      env: { ...MANAGED_INSTANCES, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url },
    });
    let results: InvokeResult[];
    let invokeSubscribers: string[];
    try {
      // Act
      results = await invokeOverlapping(fn, headers, downstream);
      invokeSubscribers = fn.environment()!.api.extensions().filter((extension) => extension.events.includes('INVOKE')).map((extension) => extension.name);
      // Before shutdown: nothing may depend on a shutdown flush that Lambda may never give.
      await waitForInvocationSpans(receiver, results, 10_000);
    } finally {
      await fn.shutdown();
    }

    // Assess: the invocations overlapped and ran in worker threads.
    expect(results.map((result) => result.status)).toEqual(Array(CONCURRENCY).fill('success'));
    expect(Math.max(...results.map((result) => result.timings.dispatchedAt!))).toBeLessThan(Math.min(...results.map((result) => result.timings.responseAt!)));
    const threads = results.map((result) => (JSON.parse(result.body!.toString('utf8')) as ThreadReport).thread);
    expect(threads.filter((thread) => thread.isMainThread)).toEqual([]);
    process.stderr.write(`[flush-e2e] managed instances node${runtime.node}: handlers ran on worker threads ${[...new Set(threads.map((t) => t.threadId))].sort().join(', ')}\n`);
    expect(invokeSubscribers).toEqual([]);
    // Each invocation: one span (so the layer wrapped the handler in that worker), under its own header;
    // its HTTP call is its child, and the downstream request carried its trace.
    expect(invocationSpanCounts(receiver, results)).toEqual(Array(CONCURRENCY).fill(1));
    const byId = invocationSpansById(receiver);
    results.forEach((result, index) => {
      const invocation = byId.get(result.requestId)![0]!;
      expect({ traceId: invocation.traceId, parentSpanId: invocation.parentSpanId }).toEqual({
        traceId: headers[index]!.traceId,
        parentSpanId: headers[index]!.parentSpanId,
      });
      const calls = receiver
        .spans()
        .filter((span) => span.kind === SPAN_KIND_CLIENT && String(span.attributes['url.full'] ?? '').endsWith(`/mi/${index}`));
      expect(calls.map((span) => ({ traceId: span.traceId, parentSpanId: span.parentSpanId }))).toEqual([
        { traceId: invocation.traceId, parentSpanId: invocation.spanId },
      ]);
      const request = downstream.requests.find((candidate) => candidate.url === `/mi/${index}` && candidate.headers['traceparent'] !== undefined);
      expect(String(request?.headers['traceparent']).split('-')[1]).toBe(invocation.traceId);
    });
  });

  it('exports the spans the worker threads still hold when Lambda shuts the instance down', async () => {
    // Prepare: nothing leaves on its own before the shutdown.
    const headers = Array.from({ length: CONCURRENCY }, () => sampledTraceHeader());
    const fn = await startFunction({
      ...runtime,
      taskRoot: FLUSH_FIXTURE,
      handler: 'index.handler',
      functionName: `mi-shutdown-node${runtime.node}`,
      layerDir: withListener.dir,
      execWrapper: withListener.execWrapper!,
      env: { ...MANAGED_INSTANCES, OTEL_BSP_SCHEDULE_DELAY: '600000', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url },
    });

    // Act
    const results = await invokeOverlapping(fn, headers, downstream);
    const exportedBeforeShutdown = invocationSpanCounts(receiver, results);
    await fn.shutdown();

    // Assess
    expect(results.map((result) => result.status)).toEqual(Array(CONCURRENCY).fill('success'));
    expect(exportedBeforeShutdown).toEqual(Array(CONCURRENCY).fill(0));
    expect(invocationSpanCounts(receiver, results)).toEqual(Array(CONCURRENCY).fill(1));
  });
});
