import { createScratchProject, layerSource, type ScratchProject } from '../../support/scratch-project.ts';

let project: ScratchProject;

beforeAll(() => {
  project = createScratchProject({
    'node_modules/fake-db/package.json': JSON.stringify({ name: 'fake-db', version: '1.0.0' }),
    'node_modules/fake-db/index.js': "exports.connect = () => 'connected';\n",
    'node_modules/wrapped-db/package.json': JSON.stringify({ name: 'wrapped-db', version: '1.0.0', exports: { '.': { import: './esm/index.mjs', require: './lib/index.js' } } }),
    'node_modules/wrapped-db/lib/index.js': "exports.Client = class Client {};\n",
    'node_modules/wrapped-db/esm/index.mjs': "import core from '../lib/index.js';\nexport const Client = core.Client;\nexport default core;\n",
    'node_modules/dual-lib/package.json': JSON.stringify({ name: 'dual-lib', version: '2.1.0', exports: { '.': { import: './index.mjs', require: './index.cjs' } } }),
    'node_modules/dual-lib/index.mjs': 'export class Client {}\nexport default Client;\n',
    'node_modules/dual-lib/index.cjs': 'exports.Client = class Client {};\n',
    'node_modules/unlisted/package.json': JSON.stringify({ name: 'unlisted', version: '1.0.0' }),
    'node_modules/unlisted/index.js': "exports.name = 'unlisted';\n",
    'app.mjs': "import { connect } from 'fake-db';\nimport wrapped from 'wrapped-db';\nimport Dual from 'dual-lib';\nimport unlisted from 'unlisted';\nimport { get } from 'node:http';\nexport { connect, wrapped, Dual, unlisted, get };\n",
  });
});

afterAll(() => project?.remove());

describe.each([24, 22] as const)('startLazily on Node %i', (node) => {
  it('starts each listed instrumentation once, before its library runs, however the function first reaches it, and patches ES module builds only', () => {
    const source = `import { createRequire } from 'node:module';
import { startLazily } from ${layerSource('instrumentations/lazy-start.ts')};
const require = createRequire(import.meta.url);
const events = [];
const short = (url) => url.slice(url.indexOf('node_modules/') + 'node_modules/'.length);
const { stopWatchingImports } = startLazily({
  targets: new Map([['fake-db', 'fakedb'], ['wrapped-db', 'wrapped'], ['dual-lib', 'dual'], ['http', 'http'], ['https', 'http']]),
  ignoredDirs: [],
  start: (instrumentation, use) => events.push(['start', instrumentation, use.module, use.style]),
  require: (id) => { events.push(['require', id.startsWith('/') ? short(id) : id]); return require(id); },
  patchEsModule: (instrumentation, module, namespace, url) => events.push(['patch', instrumentation, module, Object.keys(namespace).join(','), short(url)]),
  warn: (message) => events.push(['warn', message]),
  debug: () => undefined,
});
const app = await import('./app.mjs');
require('fake-db');
require('https');
stopWatchingImports();
process.stdout.write(JSON.stringify({ events, connect: app.connect(), unlisted: app.unlisted.name }));
`;

    const run = project.run(node, source);

    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({
      events: [
        // Link time: the module hook sees the ES module build and the built-in.
        ['start', 'wrapped', 'wrapped-db', 'import'],
        ['start', 'dual', 'dual-lib', 'import'],
        ['start', 'http', 'http', 'import'],
        ['require', 'http'],
        // Evaluation, in import order: the CommonJS files, then the ES module builds' hand-over.
        ['start', 'fakedb', 'fake-db', 'import-commonjs'],
        ['require', 'fake-db/index.js'],
        ['require', 'wrapped-db/lib/index.js'],
        ['patch', 'dual', 'dual-lib', 'Client,default', 'dual-lib/index.mjs'],
      ],
      connect: 'connected',
      unlisted: 'unlisted',
    });
  });
});
