/**
 * The module loads under the init span's `load handler` phase (src/coldstart/module-load-*.ts):
 * recorded from real diagnostics_channel tracing channels (test-own names, published as Node
 * publishes `module.require` and `module.import`), against a clock the test moves.
 */
import { tracingChannel } from 'node:diagnostics_channel';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import type { PhaseInput } from '../../../src/coldstart/init-timeline.ts';
import { describeLoad, LAYER_MODULE, type LoadDescription, type NamingPlaces } from '../../../src/coldstart/module-load-names.ts';
import { moduleLoadPhases } from '../../../src/coldstart/module-load-phases.ts';
import { recordModuleLoads, type LoadChannel, type LoadContext, type RecordedLoads } from '../../../src/coldstart/module-load-recorder.ts';
import { runtimePaths } from '../../sandbox/index.ts';

const PROBE = join(__dirname, 'describe-loads-probe.ts');

const HANDLER_LOAD_ID = 1;
let channelCount = 0;

/** A recorder on two fresh channels, a clock that moves only when told, and helpers that load as Node does. */
function setUp(thresholdMs: number, maxLoads = 256): {
  advance: (ms: number) => void;
  require: (id: string, body?: () => void, parentFilename?: string) => void;
  importAsync: (url: string, body: () => Promise<void>, parentURL?: string) => Promise<void>;
  stop: () => RecordedLoads;
} {
  let clock = 1000;
  const suffix = `${process.pid}.${channelCount++}`;
  const requireChannel = tracingChannel<unknown, LoadContext & object>(`test.module.require.${suffix}`);
  const importChannel = tracingChannel<unknown, LoadContext & object>(`test.module.import.${suffix}`);
  const recorder = recordModuleLoads({ thresholdMs, maxLoads, require: requireChannel as unknown as LoadChannel, import: importChannel as unknown as LoadChannel, now: () => clock });
  return {
    advance: (ms) => {
      clock += ms;
    },
    require: (id, body = () => undefined, parentFilename = '/var/task/index.js') => {
      requireChannel.traceSync(body, { id, parentFilename });
    },
    importAsync: (url, body, parentURL = 'file:///var/task/index.mjs') => importChannel.tracePromise(body, { url, parentURL }),
    stop: recorder.stop,
  };
}

/** Phases of recorded loads, each named by its specifier. */
function phasesOf(recorded: RecordedLoads, describe: (context: LoadContext) => LoadDescription | undefined = byId): PhaseInput[] {
  let id = HANDLER_LOAD_ID;
  return moduleLoadPhases(recorded.loads, { parentId: HANDLER_LOAD_ID, reserveId: () => ++id, toEpoch: (ms) => ms, describe });
}

function byId(context: LoadContext): LoadDescription {
  const module = context.id ?? context.url ?? '';
  return { name: `require ${module}`, module, file: `/var/task/${module}` };
}

/** name → parent's name ('load handler' for the outermost). */
function tree(phases: readonly PhaseInput[]): Record<string, string> {
  const names = new Map(phases.map((phase) => [phase.id, phase.name]));
  return Object.fromEntries(phases.map((phase) => [phase.name, phase.parentId === HANDLER_LOAD_ID ? 'load handler' : names.get(phase.parentId!)!]));
}

describe('module loads recorded while the handler loads', () => {
  it('keeps the loads that took at least the threshold, nested as they nested', () => {
    // Prepare
    const loads = setUp(1);

    // Act
    loads.require('a', () => {
      loads.advance(2);
      loads.require('a-fast', () => loads.advance(0.5));
      loads.require('b', () => {
        loads.advance(1);
        loads.require('c', () => loads.advance(3));
      });
    });
    loads.require('d', () => loads.advance(1));
    const phases = phasesOf(loads.stop());

    // Assess
    expect(tree(phases)).toEqual({ 'require a': 'load handler', 'require b': 'require a', 'require c': 'require b', 'require d': 'load handler' });
    const byName = new Map(phases.map((phase) => [phase.name, phase]));
    expect([byName.get('require a')!.startTime, byName.get('require a')!.endTime]).toEqual([1000, 1006.5]);
    expect([byName.get('require c')!.startTime, byName.get('require c')!.endTime]).toEqual([1003.5, 1006.5]);
    expect(byName.get('require c')!.attributes).toEqual({ 'code.file.path': '/var/task/c' });
  });

  it('times an import() from its call until it settles, and marks a load that threw as failed', async () => {
    // Prepare
    const loads = setUp(1);

    // Act
    await loads.importAsync('./slow.mjs', async () => {
      await Promise.resolve();
      loads.advance(4);
    });
    expect(() =>
      loads.require('broken', () => {
        loads.advance(2);
        throw new Error('top-level throw');
      }),
    ).toThrow('top-level throw');
    const phases = phasesOf(loads.stop());

    // Assess
    expect(phases.map((phase) => [phase.name, phase.endTime! - phase.startTime, phase.failed === true])).toEqual([
      ['require ./slow.mjs', 4, false],
      ['require broken', 2, true],
    ]);
  });

  it('shows a load of another file of the same package as part of it, and passes the children of a load not shown to its parent', () => {
    // Prepare
    const loads = setUp(1);
    const describe = (context: LoadContext): LoadDescription | undefined => {
      const id = context.id ?? '';
      if (id === 'node:http') return undefined;
      const module = id.split('/')[0]!;
      return { name: `require ${module}`, module, file: id };
    };

    // Act
    loads.require('pg', () => {
      loads.advance(1);
      loads.require('pg/lib/client.js', () => {
        loads.advance(1);
        loads.require('pg-types', () => loads.advance(2));
      });
    });
    loads.require('node:http', () => {
      loads.advance(1);
      loads.require('undici', () => loads.advance(1));
    });
    const phases = phasesOf(loads.stop(), describe);

    // Assess
    expect(tree(phases)).toEqual({ 'require pg': 'load handler', 'require pg-types': 'require pg', 'require undici': 'load handler' });
  });

  it('ignores loads that started before it listened and loads after it stopped', () => {
    // Prepare
    const before = setUp(1);
    const loads = setUp(1);

    // Act
    const outer = tracingChannel<unknown, LoadContext & object>('test.module.require.unwatched');
    outer.traceSync(() => loads.require('inside', () => loads.advance(2)), { id: 'started-before' });
    const recorded = loads.stop();
    loads.require('after', () => loads.advance(5));

    // Assess
    expect(recorded.loads.map((load) => load.context.id)).toEqual(['inside']);
    expect(loads.stop()).toBe(recorded);
    expect(before.stop().seen).toBe(0);
  });

  it('keeps at most maxLoads, the longest, and counts the others as dropped', () => {
    // Prepare
    const loads = setUp(1, 3);

    // Act
    for (const [id, ms] of [['a', 2], ['b', 5], ['c', 1], ['d', 4], ['e', 3]] as const) loads.require(id, () => loads.advance(ms));
    const recorded = loads.stop();

    // Assess
    expect(recorded.loads.map((load) => load.context.id).sort()).toEqual(['b', 'd', 'e']);
    expect([recorded.dropped, recorded.seen]).toEqual([2, 5]);
  });

  interface LoadTree {
    readonly beforeMs: number;
    readonly children: readonly LoadTree[];
    readonly afterMs: number;
  }
  const loadTree = (depth: number): fc.Arbitrary<LoadTree> =>
    fc.record({
      // Every load takes a tick before its first nested load starts (Node reads the file first).
      beforeMs: fc.integer({ min: 1, max: 4 }),
      children: depth === 0 ? fc.constant([]) : fc.array(loadTree(depth - 1), { maxLength: 3 }),
      afterMs: fc.integer({ min: 0, max: 3 }),
    });

  it('for any tree of loads and threshold: shows exactly the loads at least as long, each under its nearest load', () => {
    fc.assert(
      fc.property(fc.array(loadTree(4), { minLength: 1, maxLength: 4 }), fc.integer({ min: 0, max: 8 }), (roots, thresholdMs) => {
        // Prepare
        const loads = setUp(thresholdMs);
        const expected: Record<string, string> = {};
        let next = 0;
        const run = (node: LoadTree, parent: string): number => {
          const id = `m${next++}`;
          let took = 0;
          loads.require(id, () => {
            loads.advance(node.beforeMs);
            took += node.beforeMs;
            for (const child of node.children) took += run(child, `require ${id}`);
            loads.advance(node.afterMs);
            took += node.afterMs;
          });
          if (took >= thresholdMs) expected[`require ${id}`] = parent;
          return took;
        };

        // Act
        for (const root of roots) run(root, 'load handler');
        const phases = phasesOf(loads.stop());

        // Assess: a load's parent is always kept when it is (it took at least as long).
        expect(tree(phases)).toEqual(expected);
        for (const phase of phases) expect(phase.endTime! - phase.startTime).toBeGreaterThanOrEqual(thresholdMs);
      }),
      { numRuns: 300 },
    );
  });
});

describe.each([24, 22] as const)('a module load on Node %i named by what it loaded', (node) => {
  let root: string;
  let places: NamingPlaces;
  const write = (path: string, text = 'module.exports = { path: __filename };\n'): void => {
    const file = join(root, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  };
  /** What Node published for each load in `root` while it loaded task/`entry`, described. */
  /** A load of `verb` described: named by `module`, for the file at `path` under the task root. */
  const shown = (verb: string, module: string, path?: string): LoadDescription => ({ name: `${verb} ${module}`, module, file: path === undefined ? undefined : join(places.taskRoot, path) });
  const describedLoadsOf = (entry: string): unknown => {
    const flags = node === 22 ? ['--experimental-strip-types', '--no-warnings'] : [];
    const result = spawnSync(runtimePaths(node, 'v4').nodeBinary, [...flags, PROBE, root, entry], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    return JSON.parse(result.stdout) as unknown;
  };

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'module-load-names-'));
    places = { taskRoot: join(root, 'task'), layerDir: join(root, 'opt', 'otel-lambda'), runtimeDir: join(root, 'runtime') };
    write('task/node_modules/pg/package.json', '{"name":"pg","main":"lib/index.js"}');
    write('task/node_modules/pg/lib/index.js', "module.exports = { client: require('./client') };\n");
    write('task/node_modules/pg/lib/client.js');
    write('task/node_modules/@aws-sdk/client-s3/package.json', '{"name":"@aws-sdk/client-s3","main":"dist/index.js"}');
    write('task/node_modules/@aws-sdk/client-s3/dist/index.js');
    write('task/node_modules/esm-only/package.json', '{"name":"esm-only","exports":{"import":"./index.mjs"}}');
    write('task/node_modules/esm-only/index.mjs', 'export default 1;\n');
    write('task/lib/db.js');
    write('task/lib/db.mjs', 'export default 1;\n');
    write('task/index.js', "require('pg'); require('@aws-sdk/client-s3'); require('./lib/db'); require('node:http');\n");
    write('task/index.mjs', "import pg from 'pg';\nawait import('./lib/db.mjs');\nawait import('esm-only');\nawait import('@aws-sdk/client-s3');\nawait import('node:crypto');\nexport default pg;\n");
  });

  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it("names a require() by the package of the file it loaded, or by the file's path under the task root, and shows no built-in", () => {
    // Act
    const described = describedLoadsOf('index.js');

    // Assess
    expect(described).toEqual([
      shown('require', 'pg', 'node_modules/pg/lib/client.js'),
      shown('require', 'pg', 'node_modules/pg/lib/index.js'),
      shown('require', '@aws-sdk/client-s3', 'node_modules/@aws-sdk/client-s3/dist/index.js'),
      shown('require', 'lib/db.js', 'lib/db.js'),
      null,
      // The entry itself, imported (as the runtime imports a handler) and so run through require().
      shown('require', 'index.js', 'index.js'),
    ]);
  });

  it('names an import() by the package or the path it resolves to, and a CommonJS module an ES module imported by its file', () => {
    // Act
    const described = describedLoadsOf('index.mjs');

    // Assess
    expect(described).toEqual([
      shown('require', 'pg', 'node_modules/pg/lib/client.js'),
      shown('require', 'pg', 'node_modules/pg/lib/index.js'),
      shown('import', 'lib/db.mjs', 'lib/db.mjs'),
      // An ES module-only package: named by the specifier, its file not looked up.
      shown('import', 'esm-only'),
      // A CommonJS package imported: its file runs through require(), inside the import.
      shown('require', '@aws-sdk/client-s3', 'node_modules/@aws-sdk/client-s3/dist/index.js'),
      shown('import', '@aws-sdk/client-s3', 'node_modules/@aws-sdk/client-s3/dist/index.js'),
      null,
    ]);
  });

  it("names the layer's own loads as the layer's, and shows none of the runtime client's", () => {
    // Act
    const instrumentation = describeLoad({ id: join(places.layerDir, 'instrumentations', 'pg.mjs'), parentFilename: join(places.layerDir, 'start-layer.mjs') }, places);
    const chunk = describeLoad({ id: join(places.layerDir, 'chunk-1.mjs') }, places);
    const runtime = describeLoad({ id: join(places.runtimeDir!, 'index.mjs') }, places);

    // Assess
    expect(instrumentation).toEqual({ name: `${LAYER_MODULE} load instrumentation pg`, module: LAYER_MODULE, file: join(places.layerDir, 'instrumentations', 'pg.mjs') });
    expect(chunk).toEqual({ name: `${LAYER_MODULE} load chunk-1.mjs`, module: LAYER_MODULE, file: join(places.layerDir, 'chunk-1.mjs') });
    expect(runtime).toBeUndefined();
  });
});
