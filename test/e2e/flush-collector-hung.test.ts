/**
 * Issue 4: a collector that accepts connections and never answers must not gather one open
 * request per invocation until each reaches the OTLP timeout (10 s by default). The layer keeps
 * at most four exports in flight, aborts the oldest to make room, counts the spans it lost and
 * says so in one line. Only the first invocation waits for it.
 */
import { startFunction, startOtlpReceiver, type InvokeResult, type LogLine } from '../sandbox/index.ts';
import { FLUSH_FIXTURE, bodyText, invokeInSequence, layerLogLines } from '../support/flush-fixture.ts';
import { RUNTIME_COMBINATIONS, startWithLayer, withFunction } from '../support/layer-function.ts';

jest.setTimeout(60_000);

const INVOCATIONS = 20;
/** The exporter's limit of exports in flight (MAX_EXPORTS_IN_FLIGHT in otlp-http-span-exporter.ts). */
const MAX_EXPORTS_IN_FLIGHT = 4;
const eventOf = (index: number): unknown => ({ echo: index });

describe.each(RUNTIME_COMBINATIONS)('a collector that never answers, on Node $node with aws-lambda-ric $ric', (runtime) => {
  const spec = { ...runtime, taskRoot: FLUSH_FIXTURE, handler: 'index.handler' };
  let bare: InvokeResult[];

  beforeAll(async () => {
    bare = await withFunction(startFunction({ ...spec, functionName: 'hung-bare' }), (fn) => invokeInSequence(fn, INVOCATIONS, eventOf));
  });

  it.each(['sync', 'deferred'])('holds at most four requests open to it in %s mode, and reports the lost spans in one line', async (mode) => {
    // Prepare
    const receiver = await startOtlpReceiver({ responder: () => ({ neverAnswer: true }) });
    let results: InvokeResult[] = [];
    let logs: LogLine[] = [];
    try {
      // Act
      results = await withFunction(
        startWithLayer({
          ...spec,
          functionName: `hung-${mode}`,
          env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_LAMBDA_FLUSH_TIMEOUT_MS: '100', OTEL_LAMBDA_FLUSH_MODE: mode },
        }),
        async (fn) => {
          const out = await invokeInSequence(fn, INVOCATIONS, eventOf);
          logs = layerLogLines(fn.logs);
          return out;
        },
      );
    } finally {
      await receiver.close();
    }

    // Assess: the function answers as without the layer, every invocation still tried to
    // export, and never more than the limit waited at once.
    expect(results.map((result) => [result.status, bodyText(result)])).toEqual(bare.map((result) => [result.status, bodyText(result)]));
    expect(receiver.requests.length).toBeGreaterThanOrEqual(INVOCATIONS);
    // One more may be seen for a moment: the aborted request's close reaches the receiver after the
    // connection that replaces it.
    expect(receiver.peakOpenConnections()).toBeLessThanOrEqual(MAX_EXPORTS_IN_FLIGHT + 1);
    const lossReports = logs.filter((line) => /span export failed \(aborted: .*\); \d+ span\(s\) lost so far/.test(line.line));
    process.stderr.write(`[flush-e2e] hung collector ${mode}: ${receiver.requests.length} requests, peak ${receiver.peakOpenConnections()} open; ${logs.map((line) => line.line).join(' | ')}\n`);
    expect(lossReports).toHaveLength(1);
    // Only the first invocation waits out the flush budget (100 ms) for the hung collector: in
    // sync mode before its response, in deferred mode before the invocation ends.
    const waits = results.map((result) => result.timings.finishedAt! - result.timings.dispatchedAt!);
    const bareWaits = bare.map((result) => result.timings.finishedAt! - result.timings.dispatchedAt!);
    expect(waits.filter((wait, index) => wait > bareWaits[index]! + 90).length).toBeLessThanOrEqual(1);
  });
});
