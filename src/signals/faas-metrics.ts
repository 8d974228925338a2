import type { Attributes, Meter } from '@opentelemetry/api';

/** What the lifecycle reports of each finished invocation. */
export interface InvocationReport {
  readonly durationMs: number;
  readonly failed: boolean;
  /** Ended by the layer's timeout guard: the invocation ran out of time. */
  readonly timedOut: boolean;
  readonly coldStart: boolean;
  readonly trigger: string | undefined;
}

export type InvocationRecorder = (report: InvocationReport) => void;

/**
 * Bucket bounds of `faas.invoke_duration`, in seconds as the instrument's unit says: the
 * conventions' usual bounds for request durations (5 ms to 10 s), then up to Lambda's 15-minute
 * limit. The SDK's default bounds (0 to 10000) are meant for milliseconds: in seconds every
 * invocation under 5 s would land in one bucket.
 */
export const INVOKE_DURATION_BUCKETS_S: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 30, 60, 120, 300, 600, 900];

/**
 * The FaaS metrics of the semantic conventions
 * (https://opentelemetry.io/docs/specs/semconv/faas/faas-metrics/), recorded once per invocation:
 * `faas.invocations` counts successful invocations, `faas.errors` failed ones (timeouts
 * included, as Lambda's own Errors metric counts them), `faas.timeouts` those that ran out of time.
 */
export function createFaasMetrics(meter: Meter): InvocationRecorder {
  const invocations = meter.createCounter('faas.invocations', { unit: '{invocation}', description: 'Number of successful invocations' });
  const errors = meter.createCounter('faas.errors', { unit: '{error}', description: 'Number of invocation errors' });
  const timeouts = meter.createCounter('faas.timeouts', { unit: '{timeout}', description: 'Number of invocation timeouts' });
  const coldStarts = meter.createCounter('faas.coldstarts', { unit: '{coldstart}', description: 'Number of invocation cold starts' });
  const duration = meter.createHistogram('faas.invoke_duration', {
    unit: 's',
    description: "Measures the duration of the function's logic execution",
    advice: { explicitBucketBoundaries: [...INVOKE_DURATION_BUCKETS_S] },
  });
  return (report) => {
    const attributes: Attributes = report.trigger === undefined ? {} : { 'faas.trigger': report.trigger };
    if (report.failed) errors.add(1, attributes);
    else invocations.add(1, attributes);
    if (report.timedOut) timeouts.add(1, attributes);
    if (report.coldStart) coldStarts.add(1, attributes);
    duration.record(report.durationMs / 1000, attributes);
  };
}
