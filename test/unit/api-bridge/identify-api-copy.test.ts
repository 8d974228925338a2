/**
 * The identification rule against real package files: every registry version the fixtures pin,
 * plus a next minor and a next major made from the newest, each installed in node_modules and
 * bundled by esbuild (CommonJS and ES module output, minified and not). The call sites are the
 * ones V8 reports while the API code really runs (record-api-reads.mjs), on Node 24 and 22.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { CallerSite } from '../../../src/api-bridge/caller-site.ts';
import { identifyApiCopy, installedApiPackageOf, offsetOf, versionLiteralNear } from '../../../src/api-bridge/identify-api-copy.ts';
import { runtimePaths } from '../../sandbox/index.ts';
import {
  apiPackageDir,
  handlerFileOf,
  HANDLER_VARIANTS,
  NEXT_MAJOR_API,
  SERVED_API_COPIES,
  useApiTaskRoots,
  type ApiCopySource,
} from '../../support/user-api-copies.ts';

jest.setTimeout(120_000);

const RECORDER = join(__dirname, 'record-api-reads.mjs');
const COPIES: readonly ApiCopySource[] = [...SERVED_API_COPIES, NEXT_MAJOR_API];

interface RecordedAccess {
  readonly access: 'read' | 'write' | 'version';
  readonly site: CallerSite;
}

const taskRoots = useApiTaskRoots(COPIES);

function majorOf(version: string): number {
  return Number(version.split('.')[0]);
}

function recordAccesses(node: 22 | 24, version: string, files: readonly string[]): RecordedAccess[] {
  const output = execFileSync(runtimePaths(node, 'v4').nodeBinary, [RECORDER, version, ...files], { encoding: 'utf8', cwd: taskRoots.workDir() });
  return JSON.parse(output) as RecordedAccess[];
}

function pathOf(site: CallerSite): string {
  return site.fileName.startsWith('file:') ? fileURLToPath(site.fileName) : site.fileName;
}

// Node 22 for the oldest layout (TypeScript's CommonJS and ES module builds), the newest (tsdown's
// .cjs/.mjs) and the next major: V8 reports call sites the same way on both.
const ON_NODE_22 = new Set(['1.4.1', '1.10.0', '2.0.0']);
const RUNS = [...COPIES.map((copy) => ({ node: 24 as const, ...copy })), ...COPIES.filter((copy) => ON_NODE_22.has(copy.version)).map((copy) => ({ node: 22 as const, ...copy }))];

describe('every copy', () => {
  it.each(RUNS)('is named $version at every access of its code to the global, in node_modules and in every bundle (Node $node)', ({ node, version }) => {
    // Prepare
    const taskRoot = taskRoots.of(version);
    const files = HANDLER_VARIANTS.map((variant) => join(taskRoot, handlerFileOf(variant)));

    // Act
    const accesses = recordAccesses(node, version, files);
    const identified = accesses.map(({ access, site }) => ({ access, file: pathOf(site), copy: identifyApiCopy(site, majorOf(version)) }));

    // Assess: every file was seen registering (write, then version) and reading.
    const bundles = files.filter((file) => /bundle-/.test(file));
    for (const file of [apiPackageDir(taskRoot), ...bundles]) {
      const seen = new Set(identified.filter((entry) => entry.file.startsWith(file)).map((entry) => entry.access));
      expect([file, [...seen].sort()]).toEqual([file, ['read', 'version', 'write']]);
    }
    const wrong = identified.filter(({ file, copy }) => copy?.version !== version || copy.location !== (file.includes('node_modules') ? apiPackageDir(taskRoot) : file));
    expect(wrong).toEqual([]);
  });
});

describe('an installed copy', () => {
  it('is named by the nearest package.json that has a name, from any of its files', () => {
    // Prepare: a nested package.json without a name, as some packages ship for their ES module build.
    const taskRoot = taskRoots.of('1.9.1');
    const esmDir = join(apiPackageDir(taskRoot), 'build', 'esm');
    writeFileSync(join(esmDir, 'package.json'), JSON.stringify({ type: 'module' }));

    // Act
    const fromEsm = installedApiPackageOf(join(esmDir, 'internal', 'global-utils.js'));
    const fromCjs = installedApiPackageOf(join(apiPackageDir(taskRoot), 'build', 'src', 'internal', 'global-utils.js'));

    // Assess
    expect(fromEsm).toEqual({ version: '1.9.1', location: apiPackageDir(taskRoot) });
    expect(fromCjs).toEqual({ version: '1.9.1', location: apiPackageDir(taskRoot) });
  });

  it("is found in pnpm's layout, where node_modules holds links into .pnpm", () => {
    // Prepare
    const store = join(taskRoots.workDir(), 'pnpm', 'node_modules', '.pnpm', '@opentelemetry+api@1.10.0', 'node_modules', '@opentelemetry', 'api');
    mkdirSync(store, { recursive: true });
    cpSync(apiPackageDir(taskRoots.of('1.10.0')), store, { recursive: true });

    // Act
    const copy = installedApiPackageOf(join(store, 'dist', 'internal', 'global-utils.cjs'));

    // Assess
    expect(copy).toEqual({ version: '1.10.0', location: store });
  });

  it('is not claimed for a file of another package, which is then read as a bundle', () => {
    // Prepare: the function's own package.json is the nearest one to its bundle.
    const taskRoot = taskRoots.of('1.8.0');

    // Act
    const copy = installedApiPackageOf(join(taskRoot, 'bundle-cjs.cjs'));

    // Assess
    expect(copy).toBeUndefined();
  });
});

describe('a bundle', () => {
  it("finds the copy's literal, not the function's own version strings placed before and after the API", async () => {
    // Prepare: the function's code around the API holds version strings of the same major.
    const taskRoot = taskRoots.of('1.7.0');
    writeFileSync(join(taskRoot, 'banner.mjs'), "globalThis.appVersion = '1.2.3';\n");
    writeFileSync(join(taskRoot, 'entry.mjs'), "import './banner.mjs';\nexport { handler } from './import-api.mjs';\nexport const trailer = '1.88.0';\n");
    for (const minify of [false, true]) {
      const outfile = join(taskRoot, `surrounded${minify ? '-min' : ''}.mjs`);
      await build({ entryPoints: [join(taskRoot, 'entry.mjs')], outfile, bundle: true, platform: 'node', target: 'node22', format: 'esm', minify, logLevel: 'silent' });

      // Act
      const accesses = recordAccesses(24, '1.7.0', [outfile]);

      // Assess
      expect(accesses.length).toBeGreaterThan(0);
      expect(new Set(accesses.map(({ site }) => identifyApiCopy(site, 1)?.version))).toEqual(new Set(['1.7.0']));
    }
  });

  it('takes the nearest literal of the requested major before the position, else the first after it', () => {
    // Prepare
    const source = 'var a="1.4.1";var b="2.0.0";function read(){return g[k].version}var c="1.5.0";';
    const reading = source.indexOf('g[k]');

    // Act + Assess
    expect(versionLiteralNear(source, reading, 1)).toBe('1.4.1');
    expect(versionLiteralNear(source, reading, 2)).toBe('2.0.0');
    expect(versionLiteralNear(source, 0, 1)).toBe('1.4.1');
    expect(versionLiteralNear(source, reading, 3)).toBeUndefined();
    expect(versionLiteralNear("x='1.11.0-rc.1'; read()", 17, 1)).toBe('1.11.0-rc.1');
  });

  it('turns V8 lines and columns (1-based) into offsets', () => {
    // Prepare
    const source = 'ab\ncd\r\nef';

    // Act + Assess
    expect(offsetOf(source, 1, 1)).toBe(0);
    expect(offsetOf(source, 2, 2)).toBe(4);
    expect(offsetOf(source, 3, 1)).toBe(7);
    expect(offsetOf(source, 9, 1)).toBe(source.length);
  });

  it('is not identified when its file cannot be read', () => {
    // Prepare
    const site: CallerSite = { fileName: join(taskRoots.workDir(), 'gone.js'), line: 1, column: 1 };

    // Act + Assess
    expect(identifyApiCopy(site, 1)).toBeUndefined();
    expect(identifyApiCopy({ fileName: 'node:internal/modules/cjs/loader', line: 1, column: 1 }, 1)).toBeUndefined();
  });
});
