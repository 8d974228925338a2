import type { Resource } from '@opentelemetry/resources';
import type { LayerConfig } from '../config/index.ts';
import type { Flushable } from '../flush/flush-strategy.ts';
import type { InvocationRecorder } from './faas-metrics.ts';

export interface Signals {
  /** Providers to flush along with the tracer provider. */
  readonly flushables: readonly Flushable[];
  readonly recordInvocation: InvocationRecorder | undefined;
  readonly captureConsole: (() => void) | undefined;
}

/**
 * Metrics and logs start only when their exporter is set; their SDKs are imported dynamically so
 * a function that only traces never loads (or parses) them.
 */
export async function startSignals(config: LayerConfig, resource: Resource): Promise<Signals> {
  const flushables: Flushable[] = [];
  let recordInvocation: InvocationRecorder | undefined;
  let captureConsole: (() => void) | undefined;
  if (config.metricsExporter !== 'none') {
    const { startMetrics } = await import('./start-metrics.ts');
    const metrics = startMetrics(config, resource);
    flushables.push(metrics.provider);
    recordInvocation = metrics.recordInvocation;
  }
  if (config.logsExporter !== 'none') {
    const { startLogs } = await import('./start-logs.ts');
    const logs = startLogs(config, resource);
    flushables.push(logs.provider);
    captureConsole = logs.captureConsole;
  }
  return { flushables, recordInvocation, captureConsole };
}
