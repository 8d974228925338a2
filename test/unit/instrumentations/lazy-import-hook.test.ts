import { createScratchProject, layerSource, type ScratchProject } from '../../support/scratch-project.ts';

let project: ScratchProject;

const DUAL_ESM = `export class Client {
  query() {
    return 'esm';
  }
}
export default Client;
export const where = () => new Error('here').stack.split('\\n')[1];
`;

beforeAll(() => {
  const dual = (name: string): Record<string, string> => ({
    [`node_modules/${name}/package.json`]: JSON.stringify({ name, version: '1.2.0', exports: { '.': { import: './esm/index.mjs', require: './cjs/index.js' } } }),
    [`node_modules/${name}/esm/index.mjs`]: DUAL_ESM,
    [`node_modules/${name}/cjs/index.js`]: "exports.Client = class Client { query() { return 'cjs'; } };\n",
  });
  project = createScratchProject({
    ...dual('dual-lib'),
    ...dual('late-lib'),
    'node_modules/plain-esm/package.json': JSON.stringify({ name: 'plain-esm', version: '1.0.0', type: 'module', exports: './index.js' }),
    'node_modules/plain-esm/index.js': "export default 'plain';\n",
    'node_modules/cjs-lib/package.json': JSON.stringify({ name: 'cjs-lib', version: '1.0.0' }),
    'node_modules/cjs-lib/index.js': "exports.name = 'cjs-lib';\n",
    'app.mjs': "import Client, { where } from 'dual-lib';\nimport plain from 'plain-esm';\nimport cjs from 'cjs-lib';\nimport { get } from 'node:http';\nexport { Client, where, plain, cjs, get };\n",
  });
});

afterAll(() => project?.remove());

/** Watches http, dual-lib, late-lib and cjs-lib; records every report in `events`; then runs `body`. */
function script(body: string): string {
  return `import { createRequire } from 'node:module';
import { watchImports } from ${layerSource('instrumentations/lazy-import-hook.ts')};
const require = createRequire(import.meta.url);
const events = [];
const short = (url) => url.slice(url.indexOf('node_modules/') + 'node_modules/'.length);
globalThis[Symbol.for('otel-lambda.es-module-evaluated')] = (url, namespace) => {
  events.push(['evaluated', short(url), Object.keys(namespace).sort().join(','), namespace.Client?.prototype.query()]);
  namespace.Client.prototype.query = () => 'patched';
};
const stop = watchImports({
  builtins: ['http'],
  packages: new Set(['dual-lib', 'late-lib', 'cjs-lib']),
  ignoredDirs: [],
  onFirstBuiltinImport: (builtin) => events.push(['builtin', builtin]),
  onEsModuleEntry: (module, url) => events.push(['entry', module, short(url)]),
  onCommonJsEntry: (module, url) => events.push(['commonjs', module, short(url)]),
});
${body}
process.stdout.write(JSON.stringify(result));
`;
}

describe.each([24, 22] as const)('watchImports on Node %i', (node) => {
  it('hands over the namespace of a listed package’s ES module build once its body has run, and reports built-ins and CommonJS entries', () => {
    const run = project.run(node, script("const app = await import('./app.mjs');\nconst result = { events, query: new app.Client().query(), plain: app.plain, cjs: app.cjs.name, get: typeof app.get };"));

    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({
      events: [
        ['entry', 'dual-lib', 'dual-lib/esm/index.mjs'],
        ['commonjs', 'cjs-lib', 'cjs-lib/index.js'],
        ['builtin', 'http'],
        ['evaluated', 'dual-lib/esm/index.mjs', 'Client,default,where', 'esm'],
      ],
      query: 'patched',
      plain: 'plain',
      cjs: 'cjs-lib',
      get: 'function',
    });
  });

  it('keeps every line of the module where it was (stack traces and source maps stay right)', () => {
    const run = project.run(node, script("const app = await import('./app.mjs');\nconst result = app.where();"));

    expect(JSON.parse(run.stdout)).toMatch(/dual-lib\/esm\/index\.mjs:7:/);
  });

  it('leaves require() to the require watcher, and stops watching once stopped', () => {
    const run = project.run(node, script("const required = require('dual-lib').Client.name;\nstop();\nconst late = await import('late-lib');\nconst result = { events, required, late: new late.Client().query() };"));

    expect(JSON.parse(run.stdout)).toEqual({ events: [], required: 'Client', late: 'esm' });
  });
});
