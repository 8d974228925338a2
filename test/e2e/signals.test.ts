import { join } from 'node:path';
import { startFunction, startOtlpReceiver, type OtlpReceiver, type OtlpRequest } from '../sandbox/index.ts';
import { HANDLER_FIXTURES } from '../support/paths.ts';
import { startWithLayer, withFunction } from '../support/layer-function.ts';
import { isInvocationSpanOf } from '../support/differential.ts';

jest.setTimeout(60_000);

interface JsonLogRecord {
  body?: { stringValue?: string };
  severityText?: string;
  traceId?: string;
  spanId?: string;
}

interface JsonMetric {
  name: string;
  sum?: { dataPoints: { asInt?: string | number; asDouble?: number }[] };
  histogram?: { dataPoints: { explicitBounds?: number[]; sum?: number; count?: string | number }[] };
}

// OTLP/JSON (the http/json protocol) keeps these checks readable: logs and metrics are plain JSON.
function logRecords(requests: readonly OtlpRequest[]): JsonLogRecord[] {
  return requests
    .filter((request) => request.path === '/v1/logs')
    .flatMap((request) => (JSON.parse(request.body.toString()) as { resourceLogs: { scopeLogs: { logRecords: JsonLogRecord[] }[] }[] }).resourceLogs)
    .flatMap((resource) => resource.scopeLogs.flatMap((scope) => scope.logRecords));
}

function metricsIn(requests: readonly OtlpRequest[]): JsonMetric[] {
  return requests
    .filter((request) => request.path === '/v1/metrics')
    .flatMap((request) => (JSON.parse(request.body.toString()) as { resourceMetrics: { scopeMetrics: { metrics: JsonMetric[] }[] }[] }).resourceMetrics)
    .flatMap((resource) => resource.scopeMetrics.flatMap((scope) => scope.metrics));
}

function metricNames(requests: readonly OtlpRequest[]): string[] {
  return metricsIn(requests).map((metric) => metric.name);
}

/** The last exported value of a counter (cumulative: the running total). */
function lastCount(requests: readonly OtlpRequest[], name: string): number {
  const points = metricsIn(requests).filter((metric) => metric.name === name).flatMap((metric) => metric.sum?.dataPoints ?? []);
  return Number(points.at(-1)?.asDouble ?? points.at(-1)?.asInt ?? 0);
}

describe.each([
  { node: 24, ric: 'v4' },
  { node: 22, ric: 'v3' },
] as const)('metrics and logs on Node $node with ric $ric', (runtime) => {
  let receiver: OtlpReceiver;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
  });

  afterAll(async () => {
    await receiver?.close();
  });

  it('turn console output into log records of the invocation’s trace and record the FaaS metrics, flushed before the response', async () => {
    const spec = { ...runtime, taskRoot: join(HANDLER_FIXTURES, 'logs'), handler: 'index.handler', functionName: `signals-${runtime.node}-${runtime.ric}` };
    const bare = await withFunction(startFunction(spec), (fn) => fn.invoke({ orderId: '42' }));
    const traced = await withFunction(
      startWithLayer({
        ...spec,
        env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_METRICS_EXPORTER: 'otlp', OTEL_LOGS_EXPORTER: 'otlp' },
      }),
      async (fn) => [await fn.invoke({ orderId: '42' }), await fn.invoke({ orderId: '43', fail: true })] as const,
    );

    const [ok, failed] = traced;
    expect(ok.body?.equals(bare.body!)).toBe(true);
    expect(failed.status).toBe('error');
    // stdout is unchanged: the same console lines appear with and without the layer.
    const printed = (lines: { line: string }[]): string[] => lines.map((line) => line.line).filter((line) => line.includes('processing order 42'));
    expect(printed(ok.logs)).toHaveLength(printed(bare.logs).length);

    const invocation = receiver.spans().find((span) => isInvocationSpanOf(span, ok.requestId));
    const record = logRecords(receiver.requests).find((candidate) => candidate.body?.stringValue === 'processing order 42');
    expect(record?.traceId).toBe(invocation?.traceId);
    expect(record?.spanId).toBe(invocation?.spanId);
    expect(logRecords(receiver.requests).find((candidate) => candidate.body?.stringValue === 'stock is low for 42')?.severityText).toBe('WARN');

    expect(new Set(metricNames(receiver.requests))).toEqual(new Set(['faas.invocations', 'faas.coldstarts', 'faas.invoke_duration', 'faas.errors']));
    // faas.invocations counts successful invocations (semantic conventions 1.45), durations in seconds.
    expect([lastCount(receiver.requests, 'faas.invocations'), lastCount(receiver.requests, 'faas.errors')]).toEqual([1, 1]);
    const duration = metricsIn(receiver.requests).find((metric) => metric.name === 'faas.invoke_duration')?.histogram?.dataPoints[0];
    expect(duration?.explicitBounds?.slice(0, 3)).toEqual([0.005, 0.01, 0.025]);
    expect(duration?.sum).toBeLessThan(5);
    // Every export, of every signal, says what sent it.
    for (const request of receiver.requests) expect(request.headers['user-agent']).toMatch(/^OTel-OTLP-Exporter-JavaScript-Lambda-Layer\/\d+\.\d+\.\d+/);
    const beforeFirstResponse = receiver.requests.filter((request) => request.receivedAt < ok.timings.responseAt!);
    expect(beforeFirstResponse.map((request) => request.path).sort()).toEqual(['/v1/logs', '/v1/metrics', '/v1/traces']);
  });
});
