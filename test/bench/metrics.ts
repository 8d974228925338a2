/** What the benchmark measures on every cold-started instance, and how each metric is named. */

export const METRICS = [
  { key: 'initMs', label: 'init duration', unit: 'ms' },
  { key: 'firstResponseMs', label: 'first invocation: response', unit: 'ms' },
  { key: 'firstFinishedMs', label: 'first invocation: finished', unit: 'ms' },
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

/** One cold-started instance: its metrics, and how many spans it exported. */
export type InstanceSample = Record<MetricKey, number> & { spansExported: number };

/** Every metric's median and range over a subject's instances. */
export type MetricSummaries = Record<MetricKey, { median: number; min: number; max: number; n: number }>;

/** A subject against the bare runtime: difference and ratio of the medians. */
export type MetricComparisons = Record<MetricKey, { diff: number; ratio: number }>;
