import type { Attributes, Meter } from '@opentelemetry/api';

/** What the lifecycle reports of each finished invocation. */
export interface InvocationReport {
  readonly durationMs: number;
  readonly failed: boolean;
  readonly coldStart: boolean;
  readonly trigger: string | undefined;
}

export type InvocationRecorder = (report: InvocationReport) => void;

/**
 * The FaaS metrics of the semantic conventions
 * (https://opentelemetry.io/docs/specs/semconv/faas/faas-metrics/), recorded once per invocation.
 */
export function createFaasMetrics(meter: Meter): InvocationRecorder {
  const invocations = meter.createCounter('faas.invocations', { unit: '{invocation}', description: 'Number of invocations' });
  const errors = meter.createCounter('faas.errors', { unit: '{error}', description: 'Number of invocation errors' });
  const coldStarts = meter.createCounter('faas.coldstarts', { unit: '{coldstart}', description: 'Number of invocation cold starts' });
  const duration = meter.createHistogram('faas.invoke_duration', { unit: 's', description: 'Duration of the invocation, from the handler being called to its completion' });
  return (report) => {
    const attributes: Attributes = report.trigger === undefined ? {} : { 'faas.trigger': report.trigger };
    invocations.add(1, attributes);
    if (report.failed) errors.add(1, attributes);
    if (report.coldStart) coldStarts.add(1, attributes);
    duration.record(report.durationMs / 1000, attributes);
  };
}
