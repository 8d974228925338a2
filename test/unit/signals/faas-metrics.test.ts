import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader, type HistogramMetricData, type MetricData } from '@opentelemetry/sdk-metrics';
import { createFaasMetrics, INVOKE_DURATION_BUCKETS_S, type InvocationReport } from '../../../src/signals/faas-metrics.ts';

async function record(reports: readonly InvocationReport[]): Promise<Map<string, MetricData>> {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 });
  const provider = new MeterProvider({ readers: [reader] });
  const recordInvocation = createFaasMetrics(provider.getMeter('test'));
  for (const report of reports) recordInvocation(report);
  await reader.forceFlush();
  await provider.shutdown();
  const metrics = exporter.getMetrics().flatMap((resource) => resource.scopeMetrics.flatMap((scope) => scope.metrics));
  return new Map(metrics.map((metric) => [metric.descriptor.name, metric]));
}

const total = (metric: MetricData | undefined): number => (metric?.dataPoints ?? []).reduce((sum, point) => sum + (point.value as number), 0);
const report = (change: Partial<InvocationReport>): InvocationReport => ({ durationMs: 120, failed: false, timedOut: false, coldStart: false, trigger: 'http', ...change });

describe('createFaasMetrics', () => {
  it('counts successful invocations in faas.invocations, failures in faas.errors, timeouts in faas.timeouts too', async () => {
    const metrics = await record([report({}), report({}), report({ failed: true }), report({ failed: true, timedOut: true })]);

    expect(total(metrics.get('faas.invocations'))).toBe(2);
    expect(total(metrics.get('faas.errors'))).toBe(2);
    expect(total(metrics.get('faas.timeouts'))).toBe(1);
  });

  it('records faas.invoke_duration in seconds, in buckets bounded in seconds', async () => {
    // Prepare: invocations of 3 ms, 40 ms, 800 ms and 4 s, which millisecond bounds put in one bucket.
    const metrics = await record([3, 40, 800, 4000].map((durationMs) => report({ durationMs })));

    // Act
    const histogram = metrics.get('faas.invoke_duration') as HistogramMetricData;
    const point = histogram.dataPoints[0]!.value;

    // Assess
    expect(histogram.descriptor.unit).toBe('s');
    expect(point.buckets.boundaries).toEqual(INVOKE_DURATION_BUCKETS_S);
    expect(point.sum).toBeCloseTo(4.843, 6);
    expect(point.buckets.counts.filter((count) => count > 0)).toEqual([1, 1, 1, 1]);
  });
});
