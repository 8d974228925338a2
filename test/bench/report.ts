/** Prints the benchmark's results as aligned tables. */
import { BREAKDOWN_SEGMENTS, type VariantBreakdown } from './init-breakdown.ts';
import { METRICS } from './metrics.ts';
import type { BenchResults, VariantResult } from './results.ts';
import { formatKb, formatNumber, formatRatio, formatSigned, formatTable } from './table.ts';

/** Runs at least this long print the peak RSS along the run. */
const LONG_RUN_TABLE_FROM = 500;

function header(results: BenchResults): string[] {
  const { machine, settings } = results;
  const load = (values: number[]): string => values.map((value) => value.toFixed(2)).join(' ');
  const lines = [
    `otel-lambda-layer benchmark, ${results.startedAt} (${results.durationSeconds.toFixed(0)} s)`,
    `  ${settings.cold} cold starts × (1 + ${settings.warm} warm invocations) per subject, interleaved; ${settings.memoryMb.join(', ')} MB`,
    `  machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.platform} ${machine.release}; load average ${load(machine.loadAverageBefore)} before, ${load(machine.loadAverageAfter)} after`,
    `  layer: zip ${results.layer.zipBytes === undefined ? 'n/a' : formatKb(results.layer.zipBytes)}, unzipped ${formatKb(results.layer.unzippedBytes)}, ${results.layer.fileCount} files, ${settings.layerAtOpt ? 'mounted at /opt' : 'run from a temporary directory'}`,
  ];
  if (results.compareLayer) {
    const where = settings.compareAtOpt === true ? ', mounted at /opt' : ', run from its directory';
    lines.push(`  compared layer ${results.compareLayer.source}${where}: unzipped ${formatKb(results.compareLayer.unzippedBytes)}, ${results.compareLayer.fileCount} files`);
  }
  lines.push(
    '  times: response = dispatch to the runtime → its result posted; finished = dispatch → runtime and extensions back at next',
    '  median and min – max over cold-started instances; warm percentiles are per instance; Δ and × compare medians with bare',
  );
  return lines;
}

function variantTable(variant: VariantResult): string[] {
  const rows: string[][] = [['metric', 'subject', 'median', 'min – max', 'Δ bare', '× bare']];
  const measured = variant.subjects.filter((subject) => subject.samples.length > 0);
  for (const metric of METRICS) {
    measured.forEach((subject, index) => {
      const summary = subject.summary[metric.key];
      const versus = subject.vsBare?.[metric.key];
      rows.push([
        index === 0 ? `${metric.label} (${metric.unit})` : '',
        subject.label,
        formatNumber(summary.median),
        `${formatNumber(summary.min)} – ${formatNumber(summary.max)}`,
        versus === undefined ? '' : formatSigned(versus.diff),
        versus === undefined ? '' : formatRatio(versus.ratio),
      ]);
    });
  }
  const spans = measured
    .filter((subject) => subject.kind !== 'bare')
    .map((subject) => `${subject.label} ${subject.spansPerInvocation.toFixed(1)}`)
    .join(', ');
  const failures = variant.subjects.filter((subject) => subject.error !== undefined).map((subject) => `  ${subject.label} FAILED: ${firstLine(subject.error ?? '')}`);
  return [
    `Node ${variant.node} (aws-lambda-ric ${variant.ric}) · ${variant.function} · ${variant.memoryMb} MB`,
    ...formatTable(rows, ['left', 'left', 'right', 'right', 'right', 'right']),
    ...(spans === '' ? [] : [`  spans exported per invocation: ${spans}`]),
    ...failures,
  ];
}

/** The metrics the summary shows, as layer minus bare. */
const SUMMARY_COLUMNS = [
  { key: 'initMs', title: 'init ms' },
  { key: 'firstResponseMs', title: 'first ms' },
  { key: 'initPlusFirstMs', title: 'init+first ms' },
  { key: 'warmResponseP50Ms', title: 'p50 ms' },
  { key: 'warmResponseP90Ms', title: 'p90 ms' },
  { key: 'warmResponseP99Ms', title: 'p99 ms' },
  { key: 'warmFinishedP50Ms', title: 'finished p50 ms' },
  { key: 'peakRssColdMiB', title: 'RSS cold MiB' },
  { key: 'peakRssWarmMiB', title: 'RSS warm MiB' },
] as const;

function summaryTable(variants: readonly VariantResult[]): string[] {
  const rows: string[][] = [['variant', 'subject', ...SUMMARY_COLUMNS.map((column) => column.title)]];
  for (const variant of variants) {
    for (const subject of variant.subjects) {
      if (subject.vsBare === undefined || subject.samples.length === 0) continue;
      const versus = subject.vsBare;
      rows.push([variant.id, subject.label, ...SUMMARY_COLUMNS.map((column) => formatSigned(versus[column.key].diff))]);
    }
  }
  return formatTable(rows, ['left', 'left', ...SUMMARY_COLUMNS.map(() => 'right' as const)]);
}

/** Peak RSS along the warm run, for runs long enough to show V8's young-generation and compiler growth. */
function rssAlongRunTable(variant: VariantResult): string[] {
  const measured = variant.subjects.filter((subject) => subject.samples.length > 0);
  const counts = measured[0]?.rssAlongRun.map((checkpoint) => checkpoint.invocations) ?? [];
  const bare = measured.find((subject) => subject.kind === 'bare');
  const rows: string[][] = [['subject', ...counts.map((count) => `after ${count}`)]];
  for (const subject of measured) {
    rows.push([
      subject.label,
      ...subject.rssAlongRun.map((checkpoint, index) => {
        const base = bare?.rssAlongRun[index]?.peakRssMiB;
        return subject === bare || base === undefined ? formatNumber(checkpoint.peakRssMiB) : `${formatNumber(checkpoint.peakRssMiB)} (${formatSigned(checkpoint.peakRssMiB - base)})`;
      }),
    ]);
  }
  return [variant.id, ...formatTable(rows, ['left', ...counts.map(() => 'right' as const)])];
}

function breakdownTable(breakdown: VariantBreakdown): string[] {
  const rows: string[][] = [['stretch (ms)', ...breakdown.subjects.map((subject) => subject.label)]];
  for (const segment of BREAKDOWN_SEGMENTS) {
    rows.push([segment.label, ...breakdown.subjects.map((subject) => formatStep(subject.segments[segment.key]))]);
  }
  const failures = Object.entries(breakdown.failures).map(([subject, message]) => `  ${subject}: no breakdown (${firstLine(message)})`);
  return [breakdown.variant, ...formatTable(rows, ['left', ...breakdown.subjects.map(() => 'right' as const)]), ...failures];
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? '';
}

function formatStep(value: number | null): string {
  return value === null ? '–' : formatNumber(value);
}

function targetsTable(results: BenchResults): string[] {
  const rows: string[][] = [['target', 'limit', 'measured', 'status', 'basis']];
  for (const target of results.targets) {
    const measured = target.measured === null ? '–' : `${target.unit === 'KB' ? formatNumber(target.measured) : formatSigned(target.measured)} ${target.unit}`;
    rows.push([target.name, `≤ ${target.limit} ${target.unit}`, measured, target.status, target.basis]);
  }
  return formatTable(rows, ['left', 'right', 'right', 'left', 'left']);
}

export function renderReport(results: BenchResults, jsonPath: string): string {
  const lines = [...header(results), ''];
  for (const variant of results.variants) lines.push(...variantTable(variant), '');
  lines.push('summary: what each layer adds to bare (differences of medians; warm = response times)', ...summaryTable(results.variants), '');
  if (results.settings.warm >= LONG_RUN_TABLE_FROM) {
    lines.push('peak RSS along the run (MiB, median over instances; Δ bare in parentheses)');
    for (const variant of results.variants) lines.push(...rssAlongRunTable(variant), '');
  }
  if (results.initBreakdown.length > 0) {
    lines.push('init breakdown: one extra cold start per subject with markers, so indicative only (our layer at OTEL_LOG_LEVEL=debug)');
    for (const breakdown of results.initBreakdown) lines.push(...breakdownTable(breakdown), '');
  }
  lines.push('targets (issue 13): default config (sync flush) unless named, medians, layer minus bare');
  lines.push(...targetsTable(results), '', `results: ${jsonPath}`);
  return lines.join('\n');
}
