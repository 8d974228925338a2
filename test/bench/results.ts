/** The benchmark's results: per-instance samples summarized, compared with bare, judged against the targets. */
import { METRICS, type InstanceSample, type MetricComparisons, type MetricSummaries } from './metrics.ts';
import { median } from './stats.ts';
import type { VariantBreakdown } from './init-breakdown.ts';
import type { BenchOptions } from './options.ts';
import type { SubjectKind, Variant } from './plan.ts';
import { summarize } from './stats.ts';
import { TARGETS, ZIP_BUDGET_KB, judge, type TargetResult } from './targets.ts';

export interface SubjectResult {
  id: string;
  label: string;
  kind: SubjectKind;
  mode?: string;
  summary: MetricSummaries;
  /** Difference and ratio of medians against the bare runtime (absent on bare itself). */
  vsBare?: MetricComparisons;
  /** Median peak RSS over the instances at each checkpoint of the warm run. */
  rssAlongRun: { invocations: number; peakRssMiB: number }[];
  /** Spans the OTLP receiver got per invocation (0 for bare): a check that the layer really exported. */
  spansPerInvocation: number;
  /** Why the subject was left out of the run (its first failing instance), if it was. */
  error?: string;
  samples: InstanceSample[];
}

export interface VariantResult {
  id: string;
  node: number;
  ric: string;
  function: string;
  memoryMb: number;
  subjects: SubjectResult[];
}

/** A layer's size: from its zip for ours, from its directory for a compared one. */
export interface LayerSummary {
  /** The zip, or the /opt-like directory. */
  source: string;
  zipBytes?: number;
  unzippedBytes: number;
  fileCount: number;
}

export interface BenchResults {
  schemaVersion: 1;
  startedAt: string;
  finishedAt: string;
  durationSeconds: number;
  machine: { platform: string; release: string; cpus: number; cpuModel: string; loadAverageBefore: number[]; loadAverageAfter: number[] };
  settings: { cold: number; warm: number; memoryMb: number[]; nodes: number[]; functions: string[]; modes: string[]; compareDir?: string; compareWrapper?: string; compareAtOpt?: boolean; layerAtOpt: boolean };
  layer: LayerSummary;
  compareLayer?: LayerSummary;
  variants: VariantResult[];
  initBreakdown: VariantBreakdown[];
  targets: TargetResult[];
}

export function summarizeSamples(samples: readonly InstanceSample[]): MetricSummaries {
  const out = {} as MetricSummaries;
  for (const { key } of METRICS) out[key] = summarize(samples.map((sample) => sample[key]));
  return out;
}

export function compareWith(subject: MetricSummaries, bare: MetricSummaries): MetricComparisons {
  const out = {} as MetricComparisons;
  for (const { key } of METRICS) {
    const ours = subject[key].median;
    const theirs = bare[key].median;
    out[key] = { diff: ours - theirs, ratio: ours / theirs };
  }
  return out;
}

/** Samples per variant and subject, in plan order. */
export type SampleTable = Map<string, Map<string, InstanceSample[]>>;
/** Failure messages per variant and subject. */
export type FailureTable = Map<string, Map<string, string>>;

export function variantResults(variants: readonly Variant[], samples: SampleTable, failures: FailureTable, warm: number): VariantResult[] {
  return variants.map((variant) => {
    const bySubject = samples.get(variant.id) ?? new Map<string, InstanceSample[]>();
    const failed = failures.get(variant.id) ?? new Map<string, string>();
    const bareSummary = summarizeSamples(bySubject.get('bare') ?? []);
    return {
      id: variant.id,
      node: variant.node,
      ric: variant.ric,
      function: variant.fn.name,
      memoryMb: variant.memoryMb,
      subjects: variant.subjects.map((subject) => {
        const own = bySubject.get(subject.id) ?? [];
        const summary = subject.kind === 'bare' ? bareSummary : summarizeSamples(own);
        const spans = own.reduce((sum, sample) => sum + sample.spansExported, 0);
        return {
          id: subject.id,
          label: subject.label,
          kind: subject.kind,
          ...(subject.mode !== undefined ? { mode: subject.mode } : {}),
          summary,
          ...(subject.kind === 'bare' ? {} : { vsBare: compareWith(summary, bareSummary) }),
          rssAlongRun: rssAlongRun(own),
          spansPerInvocation: own.length === 0 ? 0 : spans / (own.length * (warm + 1)),
          ...(failed.has(subject.id) ? { error: failed.get(subject.id) } : {}),
          samples: own,
        };
      }),
    };
  });
}

function rssAlongRun(samples: readonly InstanceSample[]): SubjectResult['rssAlongRun'] {
  const counts = samples[0]?.rssCheckpoints.map((checkpoint) => checkpoint.invocations) ?? [];
  return counts.map((invocations) => ({
    invocations,
    peakRssMiB: median(samples.flatMap((sample) => sample.rssCheckpoints.filter((checkpoint) => checkpoint.invocations === invocations).map((checkpoint) => checkpoint.peakRssMiB))),
  }));
}

function findSubject(variants: readonly VariantResult[], variantId: string, subjectId: string): SubjectResult | undefined {
  return variants.find((variant) => variant.id === variantId)?.subjects.find((candidate) => candidate.id === subjectId);
}

export function judgeTargets(variants: readonly VariantResult[], layer: LayerSummary, warm: number): TargetResult[] {
  const results: TargetResult[] = TARGETS.map((target) => {
    const subject = findSubject(variants, target.variant, target.subject);
    const diff = subject?.vsBare?.[target.metric].diff;
    const longEnough = warm >= (target.minWarm ?? 0);
    const measured = diff === undefined || !Number.isFinite(diff) || !longEnough ? null : diff;
    const bareFailed = findSubject(variants, target.variant, 'bare')?.error !== undefined;
    return {
      name: target.name,
      basis: `${target.variant} ${target.subject} − bare, median ${target.metric}${target.minWarm === undefined ? '' : ` (runs of ≥ ${target.minWarm} warm invocations)`}`,
      limit: target.limit,
      unit: target.unit,
      measured,
      status: subject?.error !== undefined || (subject !== undefined && bareFailed) ? 'FAILED' : judge(measured, target.limit),
    };
  });
  const zipKb = layer.zipBytes === undefined ? null : layer.zipBytes / 1024;
  results.push({ name: 'layer zip size', basis: 'dist/otel-lambda-layer.zip', limit: ZIP_BUDGET_KB, unit: 'KB', measured: zipKb, status: judge(zipKb, ZIP_BUDGET_KB) });
  return results;
}

export function settingsOf(options: BenchOptions): BenchResults['settings'] {
  return {
    cold: options.cold,
    warm: options.warm,
    memoryMb: [...options.memoryMb],
    layerAtOpt: options.layerAtOpt,
    nodes: [...options.nodes],
    functions: [...options.functions],
    modes: [...options.modes],
    ...(options.compareDir !== undefined ? { compareDir: options.compareDir, compareWrapper: options.compareWrapper, compareAtOpt: options.compareAtOpt } : {}),
  };
}
