/**
 * Issue 13's targets: what the layer may add to the bare runtime in the default configuration
 * (sync flush) unless a target says otherwise, as differences of medians. Reported, never
 * asserted: a test must not fail on a slow machine. The memory targets are about a long-lived
 * sandbox and are judged only on a long run (`--warm 3000`, with `--memory 128,1024` for both sizes).
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
  /** Judged only when the run had at least this many warm invocations per instance. */
  minWarm?: number;
}

export const ZIP_BUDGET_KB = 250;
/** The long run of the memory targets. */
export const LONG_RUN_WARM = 3000;

const longRunRss = (variant: string, limit: number): Target => ({
  name: `peak RSS after ${LONG_RUN_WARM}, ${variant}`,
  variant,
  subject: 'layer-sync',
  metric: 'peakRssWarmMiB',
  limit,
  unit: 'MiB',
  minWarm: LONG_RUN_WARM,
});

export const TARGETS: readonly Target[] = [
  { name: 'init', variant: 'node24-hello', subject: 'layer-sync', metric: 'initMs', limit: 25, unit: 'ms' },
  { name: 'first invocation (response)', variant: 'node24-hello', subject: 'layer-sync', metric: 'firstResponseMs', limit: 5, unit: 'ms' },
  { name: 'realistic init + first, Node 24', variant: 'node24-realistic', subject: 'layer-sync', metric: 'initPlusFirstMs', limit: 50, unit: 'ms' },
  { name: 'realistic init + first, Node 22', variant: 'node22-realistic', subject: 'layer-sync', metric: 'initPlusFirstMs', limit: 50, unit: 'ms' },
  { name: 'warm p50, sync', variant: 'node24-hello', subject: 'layer-sync', metric: 'warmResponseP50Ms', limit: 0.5, unit: 'ms' },
  { name: 'warm p50, deferred', variant: 'node24-hello', subject: 'layer-deferred', metric: 'warmResponseP50Ms', limit: 0.2, unit: 'ms' },
  { name: 'warm p99', variant: 'node24-hello', subject: 'layer-sync', metric: 'warmResponseP99Ms', limit: 3, unit: 'ms' },
  longRunRss('node24-hello-128mb', 10),
  longRunRss('node24-hello', 10),
  longRunRss('node22-hello-128mb', 10),
  longRunRss('node22-hello', 10),
  longRunRss('node24-realistic-128mb', 12),
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
