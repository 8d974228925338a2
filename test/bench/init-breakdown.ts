/**
 * Where init time goes, from one extra cold start per subject with markers: a preload that runs
 * before any layer's own (NODE_OPTIONS --import, which otel-handler keeps and appends to), the
 * benchmark fixtures' `[bench] handler-*` lines (BENCH_INIT_MARKS=1), and for our layer its own
 * `started in X ms` line (OTEL_LOG_LEVEL=debug). Marks are on the runtime's clock; times are ms
 * since the environment's init began, the origin of Lambda's Init Duration.
 */
import { join } from 'node:path';
import { startFunction, type LambdaInstance, type LogLine } from '../sandbox/index.ts';
import { REPO_ROOT } from '../support/paths.ts';
import { functionSpec } from './measure-instance.ts';
import type { Subject, Variant } from './plan.ts';

const PRELOAD_MARK = join(REPO_ROOT, 'test', 'bench', 'preload-mark.mjs');
const LAYER_STARTED = /^\[otel-lambda\] DEBUG started in ([\d.]+) ms/;

/** Points in init, in order. */
export type BreakdownMark = 'runtimeSpawned' | 'preloadsStart' | 'layerStarted' | 'handlerStart' | 'handlerLoaded' | 'initDone';

/** Stretches between marks, as printed. */
export const BREAKDOWN_SEGMENTS = [
  { key: 'spawn', label: 'init start → runtime process spawned' },
  { key: 'bootToPreloads', label: 'exec wrapper + Node.js boot → preloads start' },
  { key: 'layerImport', label: 'layer bundle import (preloads → startLayer)' },
  { key: 'layerStart', label: 'layer startLayer() ("started in")' },
  { key: 'runtimeClient', label: 'runtime client → handler module' },
  { key: 'handlerModule', label: 'handler module evaluation' },
  { key: 'toNext', label: 'handler loaded → runtime at /next' },
  { key: 'total', label: 'total init' },
] as const;

export type BreakdownSegment = (typeof BREAKDOWN_SEGMENTS)[number]['key'];

export interface SubjectBreakdown {
  subject: string;
  label: string;
  /** ms since init began; null where there is no marker (no layer, or no debug line). */
  marks: Record<BreakdownMark, number | null>;
  /** The layer's own `started in X ms`: its startLayer(), after its bundle was loaded. */
  layerStartedInMs: number | null;
  /** ms per stretch; null where a mark is missing. */
  segments: Record<BreakdownSegment, number | null>;
}

export interface VariantBreakdown {
  variant: string;
  subjects: SubjectBreakdown[];
  /** Subjects with no breakdown: failed here or in the main run. */
  failures: Record<string, string>;
}

function markAt(lines: LogLine[], name: string): number | undefined {
  const prefix = `[bench] ${name} `;
  const line = lines.find((candidate) => candidate.line.startsWith(prefix));
  return line === undefined ? undefined : Number(line.line.slice(prefix.length));
}

async function breakDown(fn: LambdaInstance, subject: Subject, variant: Variant): Promise<SubjectBreakdown> {
  const result = await fn.invoke(variant.fn.event);
  if (result.status !== 'success') throw new Error(`${variant.id} ${subject.label}, init breakdown: ${result.status} (${result.error?.errorType ?? ''}: ${result.error?.errorMessage ?? ''})`);
  const env = fn.environment();
  if (env === undefined) throw new Error(`${variant.id} ${subject.label}, init breakdown: no environment`);
  const init = await env.init;
  const origin = env.startedAt;
  const lines = fn.logs.filter((line) => line.source === 'runtime');
  const layerLine = lines.find((line) => LAYER_STARTED.test(line.line));
  const relative = (at: number | undefined): number | null => (at === undefined || !Number.isFinite(at) ? null : at - origin);
  const marks: Record<BreakdownMark, number | null> = {
    runtimeSpawned: relative(env.runtime?.startedAt),
    preloadsStart: relative(markAt(lines, 'preload')),
    layerStarted: relative(markAt(lines, 'layer-started')),
    handlerStart: relative(markAt(lines, 'handler-start')),
    handlerLoaded: relative(markAt(lines, 'handler-loaded')),
    initDone: relative(init.ok ? init.doneAt : undefined),
  };
  const startedIn = layerLine === undefined ? null : Number(LAYER_STARTED.exec(layerLine.line)?.[1]);
  return { subject: subject.id, label: subject.label, marks, layerStartedInMs: startedIn, segments: segmentsOf(marks, startedIn) };
}

function between(from: number | null, to: number | null): number | null {
  return from === null || to === null ? null : to - from;
}

function segmentsOf(marks: Record<BreakdownMark, number | null>, startedIn: number | null): Record<BreakdownSegment, number | null> {
  // Without a layer line (bare, another layer) the runtime client's stretch starts at the preloads.
  const layerReady = marks.layerStarted ?? marks.preloadsStart;
  const layerStartedAt = marks.layerStarted === null || startedIn === null ? null : marks.layerStarted - startedIn;
  return {
    spawn: marks.runtimeSpawned,
    bootToPreloads: between(marks.runtimeSpawned, marks.preloadsStart),
    layerImport: between(marks.preloadsStart, layerStartedAt),
    layerStart: marks.layerStarted === null ? null : startedIn,
    runtimeClient: between(layerReady, marks.handlerStart),
    handlerModule: between(marks.handlerStart, marks.handlerLoaded),
    toNext: between(marks.handlerLoaded, marks.initDone),
    total: marks.initDone,
  };
}

/** One marked cold start per subject, skipping those that already failed (`failed`: id → message). */
export async function measureInitBreakdown(variant: Variant, failed: ReadonlyMap<string, string> = new Map()): Promise<VariantBreakdown> {
  const subjects: SubjectBreakdown[] = [];
  const failures: Record<string, string> = {};
  for (const subject of variant.subjects) {
    if (failed.has(subject.id)) {
      failures[subject.id] = 'failed in the main run';
      continue;
    }
    const extra = {
      BENCH_INIT_MARKS: '1',
      NODE_OPTIONS: `--import "${PRELOAD_MARK}"`,
      ...(subject.kind === 'layer' ? { OTEL_LOG_LEVEL: 'debug' } : {}),
    };
    const fn = await startFunction(functionSpec(variant, subject, extra));
    try {
      subjects.push(await breakDown(fn, subject, variant));
    } catch (error) {
      failures[subject.id] = error instanceof Error ? error.message : String(error);
    } finally {
      await fn.shutdown();
    }
  }
  return { variant: variant.id, subjects, failures };
}
