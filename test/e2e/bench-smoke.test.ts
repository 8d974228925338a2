/**
 * The benchmark, smallest run: Node 24, hello-world, sync flush, 2 cold starts × (1 + 5)
 * invocations, with a compared layer whose wrapper hard-codes /opt (as the upstream OpenTelemetry
 * layer's does). Checks that `npm run bench` produces a well-formed report and JSON with every
 * metric present and finite. Performance itself is never asserted: numbers depend on the machine.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BREAKDOWN_SEGMENTS } from '../bench/init-breakdown.ts';
import { METRICS } from '../bench/metrics.ts';
import type { BenchResults } from '../bench/results.ts';
import { REPO_ROOT } from '../support/paths.ts';

jest.setTimeout(60_000);

const run = promisify(execFile);
const NODE24 = join(REPO_ROOT, 'node_modules', 'node24', 'bin', 'node');
const BENCH = join(REPO_ROOT, 'test', 'bench', 'bench.ts');
const OPT_ONLY_LAYER = join(REPO_ROOT, 'test', 'fixtures', 'layers', 'opt-hardcoded');

describe('the benchmark on Node 24, hello-world, sync flush', () => {
  let workDir: string;
  let stdout: string;
  let results: BenchResults;

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'bench-smoke-'));
    const jsonPath = join(workDir, 'results.json');
    const args = [BENCH, '--cold', '2', '--warm', '5', '--node', '24', '--function', 'hello', '--mode', 'sync', '--compare', OPT_ONLY_LAYER, '--json', jsonPath];
    ({ stdout } = await run(NODE24, args, { cwd: REPO_ROOT, timeout: 50_000, maxBuffer: 16 * 1024 * 1024 }));
    results = JSON.parse(readFileSync(jsonPath, 'utf8')) as BenchResults;
  });

  afterAll(() => {
    if (workDir !== undefined) rmSync(workDir, { recursive: true, force: true });
  });

  it('measures the bare runtime, the layer and a layer mounted at /opt side by side with every metric finite', () => {
    // Prepare
    const [variant] = results.variants;

    // Act
    const subjects = variant?.subjects ?? [];

    // Assess
    expect(results.variants.map((candidate) => candidate.id)).toEqual(['node24-hello']);
    expect(subjects.map((subject) => subject.id)).toEqual(['bare', 'layer-sync', 'compare']);
    expect(results.settings.compareAtOpt).toBe(true);
    for (const subject of subjects) {
      expect(subject.error).toBeUndefined();
      expect(subject.samples).toHaveLength(2);
      for (const { key } of METRICS) {
        const summary = subject.summary[key];
        expect([key, summary.n]).toEqual([key, 2]);
        for (const value of [summary.median, summary.min, summary.max, ...subject.samples.map((sample) => sample[key])]) {
          expect([key, Number.isFinite(value)]).toEqual([key, true]);
        }
      }
    }
  });

  it('compares the layer with bare as a difference and a ratio of medians', () => {
    // Prepare
    const layer = results.variants[0]?.subjects.find((subject) => subject.id === 'layer-sync');

    // Act
    const comparisons = METRICS.map(({ key }) => [key, layer?.vsBare?.[key]] as const);

    // Assess
    for (const [key, comparison] of comparisons) {
      expect([key, Number.isFinite(comparison?.diff), Number.isFinite(comparison?.ratio)]).toEqual([key, true, true]);
    }
    expect(layer?.spansPerInvocation).toBeGreaterThan(0);
  });

  it('reports the layer sizes, the init breakdown and every target', () => {
    // Prepare
    const breakdown = results.initBreakdown[0];

    // Act
    const layerBreakdown = breakdown?.subjects.find((subject) => subject.subject === 'layer-sync');

    // Assess
    expect(results.layer.zipBytes).toBeGreaterThan(0);
    expect(results.layer.unzippedBytes).toBeGreaterThan(0);
    expect(results.layer.fileCount).toBeGreaterThan(0);
    expect(breakdown?.subjects.map((subject) => subject.subject)).toEqual(['bare', 'layer-sync', 'compare']);
    for (const { key } of BREAKDOWN_SEGMENTS) expect([key, Number.isFinite(layerBreakdown?.segments[key])]).toEqual([key, true]);
    // Measured here: Node 24 hello-world in sync mode at 1024 MB, but not the long-run memory targets.
    const measuredHere = results.targets.filter((target) => target.basis === 'dist/otel-lambda-layer.zip' || (target.basis.startsWith('node24-hello layer-sync') && !target.basis.includes('warm invocations')));
    expect(measuredHere.length).toBeGreaterThan(0);
    for (const target of measuredHere) {
      expect([target.name, Number.isFinite(target.measured)]).toEqual([target.name, true]);
      expect(['PASS', 'MISS']).toContain(target.status);
    }
    expect(results.targets.filter((target) => !measuredHere.includes(target)).every((target) => target.status === 'NOT MEASURED')).toBe(true);
  });

  it('prints aligned tables: results, init breakdown and targets', () => {
    // Prepare
    const lines = stdout.split('\n');

    // Act
    const metricRows = lines.filter((line) => METRICS.some((metric) => line.startsWith(`  ${metric.label} (${metric.unit})`)));

    // Assess
    expect(stdout).toContain('Node 24 (aws-lambda-ric v4) · hello');
    expect(stdout).toContain('init breakdown');
    expect(stdout).toMatch(/targets \(issue 13\)/);
    expect(stdout).toMatch(/compared layer .*opt-hardcoded, mounted at \/opt/);
    expect(metricRows).toHaveLength(METRICS.length);
    // Aligned: every subject's median ends in the same column.
    const medianColumn = lines.find((line) => line.includes('metric') && line.includes('median'))?.indexOf('median');
    expect(medianColumn).toBeGreaterThan(0);
    for (const line of lines.filter((row) => / (bare|layer sync) +[\d.]+ /.test(row))) {
      expect(line.slice(0, (medianColumn ?? 0) + 'median'.length)).toMatch(/\d$/);
    }
  });
});
