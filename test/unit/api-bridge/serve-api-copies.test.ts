/**
 * The bridge with real API copies, in a plain Node 24 process set up as the layer sets itself
 * up (run-with-bridge.mjs): the layer's own API copy registers, then the function's copies,
 * of one version or of several at once, load and create spans. The end-to-end tests
 * (test/e2e/user-api-copies.test.ts) do the same in the local Lambda with the built layer.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { installedApiPackageOf } from '../../../src/api-bridge/identify-api-copy.ts';
import { LAYER_API_VERSION } from '../../../src/api-bridge/layer-api-version.generated.ts';
import { runtimePaths } from '../../sandbox/index.ts';
import {
  expectUserTracingServed,
  handlerFileOf,
  HANDLER_VARIANTS,
  NEXT_MAJOR_API,
  SERVED_API_COPIES,
  useApiTaskRoots,
  type SpanIds,
  type UserTracingReport,
} from '../../support/user-api-copies.ts';

jest.setTimeout(120_000);

const HARNESS = join(__dirname, 'run-with-bridge.mjs');
const NODE_24 = runtimePaths(24, 'v4').nodeBinary;

interface HarnessRun {
  readonly file: string;
  readonly report: UserTracingReport;
  readonly invocation: SpanIds;
  readonly spans: SpanIds[];
}

interface HarnessOutput {
  readonly layerRegistered: boolean[];
  readonly runs: HarnessRun[];
}

const taskRoots = useApiTaskRoots([...SERVED_API_COPIES, NEXT_MAJOR_API]);

function fileOf(version: string, variantIndex: number): string {
  return join(taskRoots.of(version), handlerFileOf(HANDLER_VARIANTS[variantIndex]!));
}

function runWithBridge(files: readonly string[], nodeFlags: readonly string[] = []): { output: HarnessOutput; stderr: string } {
  const result = spawnSync(NODE_24, [...nodeFlags, HARNESS, ...files], { encoding: 'utf8', cwd: taskRoots.workDir() });
  if (result.status !== 0) throw new Error(`harness failed (${result.status}): ${result.stderr}`);
  return { output: JSON.parse(result.stdout) as HarnessOutput, stderr: result.stderr };
}

function layerLinesIn(stderr: string): string[] {
  return stderr.split('\n').filter((line) => line.startsWith('[otel-lambda]'));
}

it("knows the layer's own API version: the generated constant is the installed package's", () => {
  // Prepare + Act: the package the layer bundles, and the harness's layer side requires.
  const installed = installedApiPackageOf(require.resolve('@opentelemetry/api'));

  // Assess
  expect(installed?.version).toBe(LAYER_API_VERSION);
});

it.each(SERVED_API_COPIES)('serves $version in node_modules and bundled, CommonJS and ES module, with what the layer registered', ({ version }) => {
  // Prepare
  const files = HANDLER_VARIANTS.map((_, index) => fileOf(version, index));

  // Act
  const { output, stderr } = runWithBridge(files);

  // Assess
  expect(output.layerRegistered).toEqual([true, true, true, true]);
  expect(output.runs.map((run) => run.file)).toEqual(files);
  for (const run of output.runs) expectUserTracingServed(run.report, run.invocation, run.spans, 1);
  expect(layerLinesIn(stderr)).toEqual([]);
});

it('serves copies of several versions side by side in one function, whichever loads first', () => {
  // Prepare: a newer copy after older ones, an older one after newer ones.
  const files = [fileOf('1.4.1', 0), fileOf('1.10.0', 5), fileOf('1.11.0', 1), fileOf('1.8.0', 2), fileOf('1.9.1', 4)];

  // Act
  const { output, stderr } = runWithBridge(files);

  // Assess
  for (const run of output.runs) expectUserTracingServed(run.report, run.invocation, run.spans, 1);
  expect(layerLinesIn(stderr)).toEqual([]);
});

it('identifies bundled copies that register by their own positions when stack traces are source-mapped', () => {
  // Prepare: the bundles carry linked source maps; Node maps every stack trace with this flag.
  const files = [fileOf('1.4.1', 3), fileOf('1.10.0', 4), fileOf('1.11.0', 5)];

  // Act
  const { output, stderr } = runWithBridge(files, ['--enable-source-maps']);

  // Assess
  for (const run of output.runs) expectUserTracingServed(run.report, run.invocation, run.spans, 1);
  expect(layerLinesIn(stderr)).toEqual([]);
});

it('refuses, with one warning, the registrations of a copy evaluated from a string, and serves its spans all the same', () => {
  // Prepare: the minified CommonJS bundle run through new Function, so its code has no file.
  const taskRoot = taskRoots.of('1.10.0');
  const evaluated = join(taskRoot, 'evaluated.cjs');
  writeFileSync(
    evaluated,
    [
      "'use strict';",
      "const source = require('node:fs').readFileSync(require('node:path').join(__dirname, 'bundle-cjs-min.cjs'), 'utf8');",
      'const loaded = { exports: {} };',
      "new Function('module', 'exports', 'require', source)(loaded, loaded.exports, require);",
      'exports.handler = loaded.exports.handler;',
    ].join('\n'),
  );

  // Act
  const { output, stderr } = runWithBridge([evaluated]);

  // Assess
  const [run] = output.runs;
  expectUserTracingServed(run!.report, run!.invocation, run!.spans, 1, false);
  const warnings = layerLinesIn(stderr);
  expect(warnings).toHaveLength(1);
  expect(warnings[0]).toContain('in code evaluated from a string registers a global');
});

it('warns once about copies of a major it cannot serve, naming both versions, and leaves them to themselves', () => {
  // Prepare: the 2.x copy installed and bundled, beside a 1.x copy that is served.
  const files = [fileOf('2.0.0', 0), fileOf('2.0.0', 3), fileOf('2.0.0', 5), fileOf('1.10.0', 1)];

  // Act
  const { output, stderr } = runWithBridge(files);

  // Assess
  const warnings = layerLinesIn(stderr);
  expect(warnings).toHaveLength(1);
  expect(warnings[0]).toContain('WARN');
  expect(warnings[0]).toContain('@opentelemetry/api 2.0.0');
  expect(warnings[0]).toContain(LAYER_API_VERSION);
  const [first, second, third, served] = output.runs;
  for (const run of [first!, second!, third!]) {
    // A 2.x copy with no SDK of its own: no-op spans and no context, as without the layer.
    expect(run.report).toEqual({
      carrier: {},
      user: { outerId: '0000000000000000', innerId: '0000000000000000', nestedId: '0000000000000000' },
      diagRegistered: true,
      diagMessages: ['user diag 1'],
    });
    expect(run.spans.map((span) => span.name)).toEqual(['invocation']);
  }
  expectUserTracingServed(served!.report, served!.invocation, served!.spans, 1);
});
