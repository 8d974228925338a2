/**
 * Issue 7's targets: what the layer may add to the bare runtime on Node 24 (aws-lambda-ric 4),
 * in the default configuration (sync flush), as differences of medians. Reported, never asserted:
 * a test must not fail on a slow machine.
 */
import type { MetricKey } from './metrics.ts';

export interface Target {
  name: string;
  /** Variant id, e.g. node24-hello. */
  variant: string;
  /** Subject id, e.g. layer-sync. */
  subject: string;
  metric: MetricKey;
  limit: number;
  unit: 'ms' | 'MiB';
}

export const ZIP_BUDGET_KB = 350;

export const TARGETS: readonly Target[] = [
  { name: 'init', variant: 'node24-hello', subject: 'layer-sync', metric: 'initMs', limit: 50, unit: 'ms' },
  { name: 'realistic function init', variant: 'node24-realistic', subject: 'layer-sync', metric: 'initMs', limit: 80, unit: 'ms' },
  { name: 'first invocation (response)', variant: 'node24-hello', subject: 'layer-sync', metric: 'firstResponseMs', limit: 8, unit: 'ms' },
  { name: 'warm p50, sync', variant: 'node24-hello', subject: 'layer-sync', metric: 'warmResponseP50Ms', limit: 1.0, unit: 'ms' },
  { name: 'warm p50, deferred', variant: 'node24-hello', subject: 'layer-deferred', metric: 'warmResponseP50Ms', limit: 0.2, unit: 'ms' },
  { name: 'warm p99', variant: 'node24-hello', subject: 'layer-sync', metric: 'warmResponseP99Ms', limit: 4, unit: 'ms' },
  { name: 'peak RSS after the warm invocations', variant: 'node24-hello', subject: 'layer-sync', metric: 'peakRssWarmMiB', limit: 12, unit: 'MiB' },
];

/** FAILED: the subject (or bare) failed in this run; NOT MEASURED: the run's matrix left it out. */
export type TargetStatus = 'PASS' | 'MISS' | 'FAILED' | 'NOT MEASURED';

export interface TargetResult {
  name: string;
  /** What was compared, e.g. "node24-hello layer-sync − bare, initMs median". */
  basis: string;
  limit: number;
  unit: string;
  /** null when the run's matrix left the variant or subject out. */
  measured: number | null;
  status: TargetStatus;
}

export function judge(measured: number | null | undefined, limit: number): TargetStatus {
  if (measured === null || measured === undefined || !Number.isFinite(measured)) return 'NOT MEASURED';
  return measured <= limit ? 'PASS' : 'MISS';
}
