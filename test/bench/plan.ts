/**
 * The benchmark's matrix: variants (runtime × function), and within each the subjects measured
 * side by side (the bare runtime, our layer per flush mode, an optional other layer).
 */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { NodeMajor, RicVersion } from '../sandbox/index.ts';
import { HANDLER_FIXTURES, REPO_ROOT } from '../support/paths.ts';
import type { BenchFlushMode, BenchFunctionName, BenchNode, BenchOptions } from './options.ts';

export const MEMORY_MB = 1024;

/** The runtime client each managed runtime runs: nodejs24.x has aws-lambda-ric 4, nodejs22.x the classic 3. */
export const RIC_FOR_NODE: Record<BenchNode, RicVersion> = { 24: 'v4', 22: 'v3' };

export type SubjectKind = 'bare' | 'layer' | 'compare';

export interface Subject {
  /** Stable key in the JSON: `bare`, `layer-sync`, `layer-deferred`, `compare`. */
  id: string;
  label: string;
  kind: SubjectKind;
  mode?: BenchFlushMode;
  layerDir?: string;
  execWrapper?: string;
  env: Record<string, string>;
}

export interface BenchFunction {
  name: BenchFunctionName;
  taskRoot: string;
  handler: string;
  event: unknown;
  env: Record<string, string>;
}

export interface Variant {
  id: string;
  node: NodeMajor;
  ric: RicVersion;
  fn: BenchFunction;
  subjects: Subject[];
}

export interface Endpoints {
  otlpUrl: string;
  awsUrl: string;
  downstreamUrl: string;
}

export function benchFunction(name: BenchFunctionName, endpoints: Endpoints): BenchFunction {
  if (name === 'hello') return { name, taskRoot: join(HANDLER_FIXTURES, 'bench-hello'), handler: 'index.handler', event: { name: 'bench' }, env: {} };
  if (name === 'logging') {
    // What a JSON logging config sets (see test/sandbox/lambda-env.ts).
    return { name, taskRoot: join(HANDLER_FIXTURES, 'bench-logging'), handler: 'index.handler', event: { name: 'bench' }, env: { AWS_LAMBDA_LOG_FORMAT: 'JSON', AWS_LAMBDA_LOG_LEVEL: 'INFO' } };
  }
  return {
    name,
    taskRoot: join(HANDLER_FIXTURES, 'bench-realistic'),
    handler: 'index.handler',
    // An HTTP API request, so the layer's trigger extraction is part of the cost.
    event: JSON.parse(readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'events', 'api-gateway-http.json'), 'utf8')) as unknown,
    env: { BENCH_AWS_ENDPOINT: endpoints.awsUrl, BENCH_DOWNSTREAM_URL: endpoints.downstreamUrl },
  };
}

export function planSubjects(options: BenchOptions, layerDir: string, otlpUrl: string): Subject[] {
  const exportTo = { OTEL_EXPORTER_OTLP_ENDPOINT: otlpUrl };
  const subjects: Subject[] = [{ id: 'bare', label: 'bare', kind: 'bare', env: {} }];
  for (const mode of options.modes) {
    subjects.push({
      id: `layer-${mode}`,
      label: `layer ${mode}`,
      kind: 'layer',
      mode,
      layerDir,
      execWrapper: join(layerDir, 'otel-handler'),
      // sync is the default: leave it unset so the default configuration is what is measured.
      env: mode === 'sync' ? { ...exportTo } : { ...exportTo, OTEL_LAMBDA_FLUSH_MODE: mode },
    });
  }
  if (options.compareDir !== undefined) {
    subjects.push({
      id: 'compare',
      label: `compare ${basename(options.compareDir)}`,
      kind: 'compare',
      layerDir: options.compareDir,
      execWrapper: join(options.compareDir, options.compareWrapper),
      env: { ...exportTo, ...options.compareEnv },
    });
  }
  return subjects;
}

export function planVariants(options: BenchOptions, subjects: Subject[], endpoints: Endpoints): Variant[] {
  return options.nodes.flatMap((node) =>
    options.functions.map((name) => ({
      id: `node${node}-${name}`,
      node,
      ric: RIC_FOR_NODE[node],
      fn: benchFunction(name, endpoints),
      subjects,
    })),
  );
}
