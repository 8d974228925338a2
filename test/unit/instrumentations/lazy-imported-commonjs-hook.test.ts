import { createScratchProject, layerSource, type ScratchProject } from '../../support/scratch-project.ts';

let project: ScratchProject;

beforeAll(() => {
  project = createScratchProject({
    'node_modules/fake-db/package.json': JSON.stringify({ name: 'fake-db', version: '1.0.0', main: 'index.js' }),
    'node_modules/fake-db/index.js': "globalThis.loadOrder.push('fake-db');\nexports.connect = () => 'raw';\n",
    'node_modules/other-lib/package.json': JSON.stringify({ name: 'other-lib', version: '1.0.0' }),
    'node_modules/other-lib/index.js': "globalThis.loadOrder.push('other-lib');\nmodule.exports = { name: 'other' };\n",
    'node_modules/broken-lib/package.json': JSON.stringify({ name: 'broken-lib', version: '1.0.0' }),
    'node_modules/broken-lib/index.js': "throw new Error('broken at load');\n",
    'first.mjs': "globalThis.loadOrder.push('first');\n",
    'app.mjs': "import './first.mjs';\nimport db, { connect } from 'fake-db';\nimport other from 'other-lib';\nexport { db, connect, other };\n",
    'broken-app.mjs': "import 'broken-lib';\n",
  });
});

afterAll(() => project?.remove());

/** A script that installs the hook for fake-db and broken-lib, with `requireFile` as given, then runs `body`. */
function script(requireFile: string, body: string): string {
  return `import { createRequire } from 'node:module';
import { basename, dirname } from 'node:path';
import { routeImportedCommonJs } from ${layerSource('instrumentations/lazy-imported-commonjs-hook.ts')};
globalThis.loadOrder = [];
const require = createRequire(import.meta.url);
const events = [];
const short = (file) => basename(dirname(file)) + '/' + basename(file);
routeImportedCommonJs(new Map([['fake-db', 'fake'], ['broken-lib', 'broken']]), {
  onImport: (instrumentation, packageName, filename) => events.push(['import', instrumentation, packageName, short(filename)]),
  requireFile: ${requireFile},
  onPatchError: (instrumentation, packageName, error) => events.push(['patch error', instrumentation, packageName, error.message]),
});
${body}
process.stdout.write(JSON.stringify(result));
`;
}

/** Stands in for require-in-the-middle: require() the file, then return a new exports object. */
const PATCHING_REQUIRE = "(file) => { events.push(['require', short(file)]); const original = require(file); return { ...original, connect: () => 'patched' }; }";

describe.each([24, 22] as const)('routeImportedCommonJs on Node %i', (node) => {
  it('loads a listed CommonJS package an ES module imports through require, in evaluation order, and hands the importer the patched exports', () => {
    const source = script(PATCHING_REQUIRE, "const app = await import('./app.mjs');\nconst result = { named: app.connect(), viaDefault: app.db.connect(), other: app.other.name, order: globalThis.loadOrder, events };");

    const run = project.run(node, source);

    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({
      named: 'patched',
      viaDefault: 'patched',
      other: 'other',
      order: ['first', 'fake-db', 'other-lib'],
      events: [
        ['import', 'fake', 'fake-db', 'fake-db/index.js'],
        ['require', 'fake-db/index.js'],
      ],
    });
  });

  it('hands the importer the unpatched library and reports it when the patch throws', () => {
    const throwingPatch = "(file) => { require(file); throw new Error('patch failed'); }";
    const source = script(throwingPatch, "const app = await import('./app.mjs');\nconst result = { named: app.connect(), events };");

    const run = project.run(node, source);

    expect(JSON.parse(run.stdout)).toEqual({
      named: 'raw',
      events: [
        ['import', 'fake', 'fake-db', 'fake-db/index.js'],
        ['patch error', 'fake', 'fake-db', 'patch failed'],
      ],
    });
  });

  it("fails the import with the library's own error when the library itself throws", () => {
    const source = script('require', "const result = await import('./broken-app.mjs').then(() => 'loaded', (error) => error.message);");

    const run = project.run(node, source);

    expect(JSON.parse(run.stdout)).toBe('broken at load');
  });

  it('hands an importer the patched exports of a package that require() loaded before', () => {
    const source = `import { createRequire } from 'node:module';
import { alignLoadedExports } from ${layerSource('instrumentations/lazy-imported-commonjs-hook.ts')};
globalThis.loadOrder = [];
const require = createRequire(import.meta.url);
const patched = { connect: () => 'patched' };
const filename = require.resolve('fake-db');
const first = require('fake-db').connect();
alignLoadedExports(filename, () => patched);
const app = await import('./app.mjs');
process.stdout.write(JSON.stringify({ first, named: app.connect(), viaDefault: app.db.connect(), required: require('fake-db').connect(), loads: globalThis.loadOrder.filter((name) => name === 'fake-db').length }));
`;

    const run = project.run(node, source);

    expect(JSON.parse(run.stdout)).toEqual({ first: 'raw', named: 'patched', viaDefault: 'patched', required: 'patched', loads: 1 });
  });

  it('leaves require() of the package to require (require-in-the-middle sees those itself)', () => {
    const source = script(PATCHING_REQUIRE, "const result = { connect: require('fake-db').connect(), events };");

    const run = project.run(node, source);

    expect(JSON.parse(run.stdout)).toEqual({ connect: 'raw', events: [] });
  });
});
