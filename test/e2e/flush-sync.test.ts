/**
 * Issue 4, sync flush (the default): every span of an invocation reaches the collector before
 * the runtime posts the invocation's result, so a freeze right after the response loses nothing.
 */
import { startOtlpReceiver, type InvokeResult, type OtlpReceiver } from '../sandbox/index.ts';
import { startLocalHttpServer, type LocalHttpServer } from '../support/local-http-server.ts';
import { RUNTIME_COMBINATIONS, startWithLayer, withFunction } from '../support/layer-function.ts';
import { FLUSH_FIXTURE, OTEL_API_PATH, requestsCarrying, sampledTraceHeader, type KnownTraceHeader } from '../support/flush-fixture.ts';
import { withoutInitSpans } from '../support/init-span.ts';

jest.setTimeout(60_000);

const INVOCATIONS = 5;
const CHILD_SPANS = 5;
/** The invocation span, the handler's own spans and the outgoing HTTP call's span. */
const SPANS_PER_INVOCATION = 1 + CHILD_SPANS + 1;

describe.each(RUNTIME_COMBINATIONS)('sync flush on Node $node with aws-lambda-ric $ric', (runtime) => {
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

  it('exports every span of an invocation before its result is posted', async () => {
    // Prepare
    const headers: KnownTraceHeader[] = Array.from({ length: INVOCATIONS }, () => sampledTraceHeader());
    const event = (index: number): unknown => ({ echo: index, spans: CHILD_SPANS, otelApi: OTEL_API_PATH, downstream: `${downstream.url}/sync/${index}` });

    // Act
    const results: InvokeResult[] = await withFunction(
      startWithLayer({
        ...runtime,
        taskRoot: FLUSH_FIXTURE,
        handler: 'index.handler',
        functionName: `flush-sync-node${runtime.node}-${runtime.ric}`,
        env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url },
      }),
      async (fn) => {
        const out: InvokeResult[] = [];
        for (const [index, known] of headers.entries()) out.push(await fn.invoke(event(index), { traceHeader: known.header }));
        return out;
      },
    );

    // Assess
    expect(results.map((result) => result.status)).toEqual(Array(INVOCATIONS).fill('success'));
    results.forEach((result, index) => {
      const spans = withoutInitSpans(receiver.spans()).filter((span) => span.traceId === headers[index]!.traceId);
      expect(spans).toHaveLength(SPANS_PER_INVOCATION);
      for (const span of spans) {
        const carriers = requestsCarrying(receiver, span);
        expect(carriers).toHaveLength(1);
        expect(carriers[0]!.receivedAt).toBeLessThan(result.timings.responseAt!);
      }
    });
  });
});
