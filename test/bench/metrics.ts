/** What the benchmark measures on every cold-started instance, and how each metric is named. */

export const METRICS = [
  { key: 'initMs', label: 'init duration', unit: 'ms' },
  { key: 'firstResponseMs', label: 'first invocation: response', unit: 'ms' },
  { key: 'firstFinishedMs', label: 'first invocation: finished', unit: 'ms' },
  { key: 'initPlusFirstMs', label: 'init + first invocation response', unit: 'ms' },
  { key: 'warmResponseP50Ms', label: 'warm response p50', unit: 'ms' },
  { key: 'warmResponseP90Ms', label: 'warm response p90', unit: 'ms' },
  { key: 'warmResponseP99Ms', label: 'warm response p99', unit: 'ms' },
  { key: 'warmFinishedP50Ms', label: 'warm finished p50', unit: 'ms' },
  { key: 'warmFinishedP90Ms', label: 'warm finished p90', unit: 'ms' },
  { key: 'warmFinishedP99Ms', label: 'warm finished p99', unit: 'ms' },
  { key: 'peakRssColdMiB', label: 'peak RSS after cold start', unit: 'MiB' },
  { key: 'peakRssWarmMiB', label: 'peak RSS after warm invocations', unit: 'MiB' },
] as const;

export type MetricKey = (typeof METRICS)[number]['key'];

/** Peak RSS (VmHWM) of the runtime process once this many warm invocations were done. */
export interface RssCheckpoint {
  invocations: number;
  peakRssMiB: number;
}

/** Warm invocation counts at which the peak RSS is recorded, as far as the run goes. */
export function rssCheckpoints(warm: number): number[] {
  const counts = [100, 250, 500, 1000, 1500, 2000, 2500, 3000];
  for (let count = 4000; count <= warm; count += 1000) counts.push(count);
  return counts.filter((count) => count < warm).concat(warm);
}

/** One cold-started instance: its metrics, how many spans it exported, its peak RSS along the run. */
export type InstanceSample = Record<MetricKey, number> & { spansExported: number; rssCheckpoints: RssCheckpoint[] };

/** Every metric's median and range over a subject's instances. */
export type MetricSummaries = Record<MetricKey, { median: number; min: number; max: number; n: number }>;

/** A subject against the bare runtime: difference and ratio of the medians. */
export type MetricComparisons = Record<MetricKey, { diff: number; ratio: number }>;
