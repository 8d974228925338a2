/**
 * Issue 3, differential: every kind of handler module (CommonJS, ES module, `type: module`,
 * top-level await, nested export paths, subdirectories, esbuild bundles), run without and with
 * the layer on each runtime.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type BuildOptions } from 'esbuild';
import type { OtlpReceiver } from '../sandbox/index.ts';
import { expectFaithfulAndTraced, runDifferential, startDifferentialReceiver } from '../support/differential.ts';
import { RUNTIME_COMBINATIONS } from '../support/layer-function.ts';
import { HANDLER_FIXTURES } from '../support/paths.ts';

jest.setTimeout(60_000);

const EVENTS = [{ echo: { n: 1 } }, { echo: { n: 2 } }, { echo: 'third' }];
const BUNDLE_SOURCE = join(HANDLER_FIXTURES, 'esbuild-source', 'handler.ts');

let bundles: string;

/** Bundles esbuild-source/ the way users ship functions: one CommonJS `.js`, one ESM `.mjs`. */
beforeAll(async () => {
  bundles = mkdtempSync(join(tmpdir(), 'otel-lambda-bundles-'));
  const common: BuildOptions = { entryPoints: [BUNDLE_SOURCE], bundle: true, platform: 'node', target: 'node22', logLevel: 'silent' };
  writeFileSync(join(bundles, 'package.json'), JSON.stringify({ type: 'commonjs' }));
  await build({ ...common, format: 'cjs', outfile: join(bundles, 'cjs', 'index.js') });
  await build({ ...common, format: 'esm', outfile: join(bundles, 'esm', 'index.mjs') });
});

afterAll(() => {
  if (bundles !== undefined) rmSync(bundles, { recursive: true, force: true });
});

interface ModuleKind {
  kind: string;
  taskRoot: () => string;
  handler: string;
}

const MODULE_KINDS: ModuleKind[] = [
  { kind: 'a CommonJS .js file', taskRoot: () => join(HANDLER_FIXTURES, 'cjs'), handler: 'index.handler' },
  { kind: 'a .cjs file', taskRoot: () => join(HANDLER_FIXTURES, 'cjs-extension'), handler: 'index.handler' },
  { kind: 'an .mjs file', taskRoot: () => join(HANDLER_FIXTURES, 'esm'), handler: 'index.handler' },
  { kind: 'a .js file under "type": "module"', taskRoot: () => join(HANDLER_FIXTURES, 'type-module'), handler: 'index.handler' },
  { kind: 'an ES module with top-level await', taskRoot: () => join(HANDLER_FIXTURES, 'top-level-await'), handler: 'index.handler' },
  { kind: 'a nested export path in CommonJS', taskRoot: () => join(HANDLER_FIXTURES, 'nested-export'), handler: 'index.nested.handler' },
  { kind: 'a nested export path in an ES module', taskRoot: () => join(HANDLER_FIXTURES, 'nested-export'), handler: 'esm.nested.handler' },
  { kind: 'a handler in a subdirectory', taskRoot: () => join(HANDLER_FIXTURES, 'nested-dir'), handler: 'src/handlers/api.handler' },
  { kind: 'an esbuild CommonJS bundle', taskRoot: () => join(bundles, 'cjs'), handler: 'index.handler' },
  { kind: 'an esbuild ES module bundle', taskRoot: () => join(bundles, 'esm'), handler: 'index.handler' },
];

it('bundles CommonJS the way that breaks in-place patching: exports are non-configurable getters', () => {
  const bundle = join(bundles, 'cjs', 'index.js');
  const probe = `const d = Object.getOwnPropertyDescriptor(require(${JSON.stringify(bundle)}), 'handler');
process.stdout.write(JSON.stringify({ configurable: d.configurable, getter: typeof d.get }));`;

  const descriptor = JSON.parse(execFileSync(process.execPath, ['-e', probe], { encoding: 'utf8' })) as unknown;

  expect(readFileSync(bundle, 'utf8')).toContain('module.exports = __toCommonJS(');
  expect(descriptor).toEqual({ configurable: false, getter: 'function' });
});

describe.each(RUNTIME_COMBINATIONS)('module kinds on Node $node with aws-lambda-ric $ric', (runtime) => {
  let receiver: OtlpReceiver;

  beforeAll(async () => {
    receiver = await startDifferentialReceiver();
  });

  afterAll(async () => {
    await receiver?.close();
  });

  it.each(MODULE_KINDS)('answers $kind identically and traces each invoke', async ({ kind, taskRoot, handler }) => {
    const functionName = `modules-${kind.replace(/\W+/g, '-')}-node${runtime.node}-${runtime.ric}`;

    const result = await runDifferential(runtime, { taskRoot: taskRoot(), handler, events: EVENTS }, receiver, functionName);

    expect(result.bare.map((r) => r.status)).toEqual(['success', 'success', 'success']);
    expectFaithfulAndTraced(result, receiver);
  });
});
