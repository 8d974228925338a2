/**
 * Functions that ship their own `@opentelemetry/api`: one task root per API version, each with
 * the version's package in `node_modules` and the handler of test/fixtures/user-api/handler in
 * every loading style (required, imported, bundled by esbuild as CommonJS or ES module, minified
 * or not). Registry versions come from the fixtures' own lock files; versions not published yet
 * (a next minor, a next major) are made here from the newest one by rewriting its version, and
 * never leave the test's temporary directory.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type Format } from 'esbuild';
import { REPO_ROOT } from './paths.ts';

export const USER_API_FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'user-api');
const HANDLER_SOURCES = join(USER_API_FIXTURES, 'handler');

export interface ApiCopySource {
  /** The exact version, as its package.json and its code say. */
  readonly version: string;
  /** The fixture directory holding it (package.json + package-lock.json), for registry versions. */
  readonly fixture?: string;
  /** For made-up versions: the registry version rewritten. */
  readonly rewrittenFrom?: string;
}

/** Every registry version the fixtures pin: the newest of each minor the issue names. */
export const REGISTRY_API_COPIES: readonly ApiCopySource[] = [
  { version: '1.4.1', fixture: 'api-1.4' },
  { version: '1.7.0', fixture: 'api-1.7' },
  { version: '1.8.0', fixture: 'api-1.8' },
  { version: '1.9.1', fixture: 'api-1.9' },
  { version: '1.10.0', fixture: 'api-1.10' },
];
/** A minor the layer was not built with: 1.10.0's code with its version rewritten. */
export const NEXT_MINOR_API: ApiCopySource = { version: '1.11.0', rewrittenFrom: '1.10.0' };
/** A major the layer cannot serve (its global is `Symbol.for('opentelemetry.js.api.2')`). */
export const NEXT_MAJOR_API: ApiCopySource = { version: '2.0.0', rewrittenFrom: '1.10.0' };
/** Every copy the layer must serve: the registry versions and the next minor. */
export const SERVED_API_COPIES: readonly ApiCopySource[] = [...REGISTRY_API_COPIES, NEXT_MINOR_API];

export interface HandlerVariant {
  /** How the function gets its API copy. */
  readonly style: string;
  /** `_HANDLER` in the task root. */
  readonly handler: string;
  /** How the test builds it: copied from the fixture, or bundled by esbuild. */
  readonly bundle?: { readonly format: Format; readonly minify: boolean };
}

export const HANDLER_VARIANTS: readonly HandlerVariant[] = [
  { style: 'required from node_modules by a CommonJS handler', handler: 'require-api.handler' },
  { style: 'imported from node_modules by an ES module handler', handler: 'import-api.handler' },
  { style: 'bundled by esbuild into a CommonJS handler', handler: 'bundle-cjs.handler', bundle: { format: 'cjs', minify: false } },
  { style: 'bundled by esbuild into a minified CommonJS handler', handler: 'bundle-cjs-min.handler', bundle: { format: 'cjs', minify: true } },
  { style: 'bundled by esbuild into an ES module handler', handler: 'bundle-esm.handler', bundle: { format: 'esm', minify: false } },
  { style: 'bundled by esbuild into a minified ES module handler', handler: 'bundle-esm-min.handler', bundle: { format: 'esm', minify: true } },
];

/** The file a variant's handler lives in. */
export function handlerFileOf(variant: HandlerVariant): string {
  const base = variant.handler.slice(0, variant.handler.lastIndexOf('.'));
  if (variant.bundle === undefined) return base === 'require-api' ? `${base}.cjs` : `${base}.mjs`;
  return `${base}.${variant.bundle.format === 'cjs' ? 'cjs' : 'mjs'}`;
}

/** Where an installed API package lives under a task root. */
export function apiPackageDir(taskRoot: string): string {
  return join(taskRoot, 'node_modules', '@opentelemetry', 'api');
}

/**
 * Lays out a task root for `copy` under `workDir` (its package in node_modules, every handler
 * variant) and returns its path.
 */
export async function prepareApiTaskRoot(workDir: string, copy: ApiCopySource): Promise<string> {
  const taskRoot = join(workDir, `api-${copy.version}`);
  mkdirSync(taskRoot, { recursive: true });
  for (const file of readdirSync(HANDLER_SOURCES)) cpSync(join(HANDLER_SOURCES, file), join(taskRoot, file));
  const from = REGISTRY_API_COPIES.find((candidate) => candidate.version === (copy.rewrittenFrom ?? copy.version));
  const installed = apiPackageDir(join(USER_API_FIXTURES, from?.fixture ?? 'missing'));
  if (!existsSync(installed)) throw new Error(`${installed} is missing: run \`node test/setup/install-fixture-packages.mjs\` (./run.sh does).`);
  cpSync(installed, apiPackageDir(taskRoot), { recursive: true });
  if (copy.rewrittenFrom !== undefined) rewriteVersion(apiPackageDir(taskRoot), copy.rewrittenFrom, copy.version);
  for (const variant of HANDLER_VARIANTS) {
    if (variant.bundle === undefined) continue;
    await build({
      entryPoints: [join(taskRoot, 'import-api.mjs')],
      outfile: join(taskRoot, handlerFileOf(variant)),
      bundle: true,
      platform: 'node',
      target: 'node22',
      format: variant.bundle.format,
      minify: variant.bundle.minify,
      // A linked .map file, as CDK's NodejsFunction writes with sourceMap: true.
      sourcemap: true,
      logLevel: 'silent',
    });
  }
  return taskRoot;
}

/** Rewrites every occurrence of the version in the package's code and manifest. */
function rewriteVersion(dir: string, from: string, to: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !/\.(c|m)?js$|package\.json$/.test(entry.name)) continue;
    const file = join(entry.parentPath, entry.name);
    const source = readFileSync(file, 'utf8');
    if (source.includes(from)) writeFileSync(file, source.replaceAll(from, to));
  }
}

/** What the fixture handler (user-tracing.cjs) returns: what its own API copy told it. */
export interface UserTracingReport {
  readonly active?: { readonly traceId: string; readonly spanId: string };
  readonly carrier: Readonly<Record<string, string>>;
  readonly user: { readonly outerId: string; readonly innerId: string; readonly nestedId: string; readonly activeAfterAwait?: string };
  readonly diagRegistered: boolean;
  readonly diagMessages: readonly string[];
}

/** The span fields the checks compare (DecodedSpan has them; parentSpanId '' for a root). */
export interface SpanIds {
  readonly name: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string;
}

/**
 * The handler's own API copy was served the layer's globals during invocation `n`: it saw the
 * invocation span as active and injected its context, its spans are the invocation's children
 * and each other's across awaits, and its own diag logger registration took (unless
 * `registered` is false: then the logger never got a message).
 */
export function expectUserTracingServed(report: UserTracingReport, invocation: SpanIds, spans: readonly SpanIds[], n: number, registered = true): void {
  const named = (name: string): SpanIds[] =>
    spans.filter((span) => span.name === name).map(({ name: spanName, traceId, spanId, parentSpanId }) => ({ name: spanName, traceId, spanId, parentSpanId }));
  const { traceId, spanId } = invocation;
  expect({
    active: report.active === undefined ? undefined : { traceId: report.active.traceId, spanId: report.active.spanId },
    traceparent: report.carrier['traceparent'],
    spans: ['user.outer', 'user.inner', 'user.nested'].map(named),
    activeAfterAwait: report.user.activeAfterAwait,
    diagRegistered: report.diagRegistered,
    diagMessages: report.diagMessages,
  }).toEqual({
    active: { traceId, spanId },
    traceparent: `00-${traceId}-${spanId}-01`,
    spans: [
      [{ name: 'user.outer', traceId, spanId: report.user.outerId, parentSpanId: spanId }],
      [{ name: 'user.inner', traceId, spanId: report.user.innerId, parentSpanId: report.user.outerId }],
      [{ name: 'user.nested', traceId, spanId: report.user.nestedId, parentSpanId: report.user.outerId }],
    ],
    activeAfterAwait: report.user.outerId,
    diagRegistered: registered,
    diagMessages: registered ? (expect.arrayContaining([`user diag ${n}`]) as unknown) : [],
  });
}

export interface ApiTaskRoots {
  /** The task root of one prepared copy. */
  readonly of: (version: string) => string;
  /** The temporary directory the task roots live in. */
  readonly workDir: () => string;
}

/**
 * Lays out a task root per copy before the test file's tests (jest beforeAll) and removes them
 * after (afterAll).
 */
export function useApiTaskRoots(copies: readonly ApiCopySource[]): ApiTaskRoots {
  const taskRoots = new Map<string, string>();
  let workDir: string | undefined;
  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'otel-lambda-user-api-'));
    for (const copy of copies) taskRoots.set(copy.version, await prepareApiTaskRoot(workDir, copy));
  });
  afterAll(() => {
    if (workDir !== undefined) rmSync(workDir, { recursive: true, force: true });
  });
  return {
    of: (version) => taskRoots.get(version) ?? fail(`no task root prepared for @opentelemetry/api ${version}`),
    workDir: () => workDir ?? fail('the task roots are prepared in beforeAll'),
  };
}

function fail(message: string): never {
  throw new Error(message);
}
