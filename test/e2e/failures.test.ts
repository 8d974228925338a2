import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFunction, startOtlpReceiver, type DecodedSpan, type OtlpReceiver } from '../sandbox/index.ts';
import { HANDLER_FIXTURES, UNPACKED_LAYER_DIR } from '../support/paths.ts';
import { RUNTIME_COMBINATIONS, startWithLayer, withFunction } from '../support/layer-function.ts';
import { isInvocationSpanOf } from '../support/differential.ts';
import { startSilentHttpServer, type SilentHttpServer } from '../support/silent-http-server.ts';

jest.setTimeout(60_000);

const SPAN_STATUS_ERROR = 2;
const SPAN_KIND_CLIENT = 3;

function invocationSpans(spans: DecodedSpan[], requestId: string): DecodedSpan[] {
  return spans.filter((span) => isInvocationSpanOf(span, requestId));
}

describe.each(RUNTIME_COMBINATIONS)('failures on Node $node with aws-lambda-ric $ric', (runtime) => {
  let receiver: OtlpReceiver;
  let silent: SilentHttpServer;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    silent = await startSilentHttpServer();
  });

  afterAll(async () => {
    await silent?.close();
    await receiver?.close();
  });

  it('leaves a trace of an invocation that times out, including the call it hung on, before Lambda kills it', async () => {
    const spec = { ...runtime, taskRoot: join(HANDLER_FIXTURES, 'hangs-on-http'), handler: 'index.handler', timeoutMs: 1500 };
    const bare = await withFunction(startFunction({ ...spec, functionName: 'hang-bare' }), (fn) => fn.invoke({ url: silent.url }));
    const traced = await withFunction(
      startWithLayer({ ...spec, functionName: `hang-node${runtime.node}-${runtime.ric}`, env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url } }),
      (fn) => fn.invoke({ url: silent.url }),
    );

    expect(bare.status).toBe('timeout');
    expect(traced.status).toBe('timeout');
    expect(traced.error?.errorMessage).toBe(bare.error?.errorMessage);
    const [invocation] = invocationSpans(receiver.spans(), traced.requestId);
    expect(invocation?.status.code).toBe(SPAN_STATUS_ERROR);
    expect(invocation?.attributes['aws.lambda.timed_out']).toBe(true);
    const hungCall = receiver.spans().find((span) => span.parentSpanId === invocation?.spanId && span.kind === SPAN_KIND_CLIENT);
    expect(hungCall?.status.code).toBe(SPAN_STATUS_ERROR);
    expect(hungCall?.attributes['aws.lambda.timed_out']).toBe(true);
    const deadline = traced.timings.dispatchedAt! + spec.timeoutMs;
    const carrying = receiver.requests.find((request) => request.spans.some((span) => span.spanId === invocation?.spanId));
    expect(carrying!.receivedAt).toBeLessThan(deadline);
  });

  it.each(['exception', 'rejection'])('records an uncaught %s on the invocation span and keeps the runtime’s own outcome', async (kind) => {
    const spec = { ...runtime, taskRoot: join(HANDLER_FIXTURES, 'crashes'), handler: 'index.handler' };
    const bare = await withFunction(startFunction({ ...spec, functionName: 'crash-bare' }), (fn) => fn.invoke({ kind }));
    const traced = await withFunction(
      startWithLayer({ ...spec, functionName: `crash-${kind}-node${runtime.node}-${runtime.ric}`, env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url } }),
      async (fn) => {
        const result = await fn.invoke({ kind });
        await receiver.waitForSpans((spans) => invocationSpans(spans, result.requestId).length > 0, 5000);
        return result;
      },
    );

    expect(traced.status).toBe(bare.status);
    expect(traced.error?.errorType).toBe(bare.error?.errorType);
    expect(traced.error?.errorMessage?.replace(/RequestId: \S+/, '')).toBe(bare.error?.errorMessage?.replace(/RequestId: \S+/, ''));
    const [invocation] = invocationSpans(receiver.spans(), traced.requestId);
    expect(invocation?.status.code).toBe(SPAN_STATUS_ERROR);
    const exception = invocation?.events.find((event) => event.name === 'exception');
    expect(exception?.attributes['exception.message']).toBe(kind === 'exception' ? 'thrown from a timer' : 'rejected with nobody listening');
  });

  it('keeps process.exit in the middle of an invocation fatal: no result is posted, the span is exported first', async () => {
    const spec = { ...runtime, taskRoot: join(HANDLER_FIXTURES, 'exits'), handler: 'index.handler' };
    const bare = await withFunction(startFunction({ ...spec, functionName: 'exit-bare' }), (fn) => fn.invoke({}));
    // A collector slow enough that the handler finishes while the layer flushes before exiting.
    receiver.setResponder(() => ({ delayMs: 300 }));
    const traced = await withFunction(
      startWithLayer({ ...spec, functionName: `exit-node${runtime.node}-${runtime.ric}`, env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url } }),
      (fn) => fn.invoke({}),
    ).finally(() => receiver.setResponder(undefined));

    expect(bare.status).toBe('crash');
    expect(traced.status).toBe(bare.status);
    expect(traced.error?.errorType).toBe(bare.error?.errorType);
    const [invocation] = invocationSpans(receiver.spans(), traced.requestId);
    expect(invocation?.status.code).toBe(SPAN_STATUS_ERROR);
    expect(invocation?.attributes['aws.lambda.aborted']).toBe(true);
  });

  it('runs the function untraced, with one log line, when the layer’s own code cannot load', async () => {
    const brokenLayer = mkdtempSync(join(tmpdir(), 'broken-layer-'));
    cpSync(UNPACKED_LAYER_DIR, brokenLayer, { recursive: true });
    const bundleDir = join(brokenLayer, 'otel-lambda');
    for (const file of readdirSync(bundleDir).filter((name) => name.endsWith('.mjs') && name !== 'bootstrap.mjs')) {
      writeFileSync(join(bundleDir, file), 'this is not JavaScript {');
    }
    const spec = { ...runtime, taskRoot: join(HANDLER_FIXTURES, 'cjs'), handler: 'index.handler', functionName: 'broken-layer' };
    try {
      const bare = await withFunction(startFunction(spec), (fn) => fn.invoke({ echo: 'fail open' }));
      const before = receiver.requests.length;
      const { result, layerLines } = await withFunction(
        startFunction({ ...spec, layerDir: brokenLayer, execWrapper: join(brokenLayer, 'otel-handler'), env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url } }),
        async (fn) => {
          const invoked = await fn.invoke({ echo: 'fail open' });
          return { result: invoked, layerLines: fn.logs.filter((line) => line.line.includes('[otel-lambda]')) };
        },
      );

      expect(result.status).toBe('success');
      expect(result.body?.equals(bare.body!)).toBe(true);
      expect(layerLines).toHaveLength(1);
      expect(layerLines[0]?.line).toContain('failed to start');
      expect(receiver.requests.length).toBe(before);
    } finally {
      rmSync(brokenLayer, { recursive: true, force: true });
    }
  });
});
