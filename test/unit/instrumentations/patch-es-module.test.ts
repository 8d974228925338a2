import { InstrumentationBase, InstrumentationNodeModuleDefinition } from '@opentelemetry/instrumentation';
import { satisfies } from '@opentelemetry/instrumentation/build/src/semver.js';
import { patchEsModule, type PatchableInstrumentation } from '../../../src/instrumentations/patch-es-module.ts';

class Client {
  query(): string {
    return 'original';
  }
}

/** An instrumentation written the way the catalogue's are: read `default` off an ES module namespace, patch the class in place. */
class ClientInstrumentation extends InstrumentationBase {
  readonly seen: unknown[] = [];
  constructor() {
    super('test-instrumentation', '1.0.0', { enabled: false });
  }
  protected init(): InstrumentationNodeModuleDefinition[] {
    return [
      new InstrumentationNodeModuleDefinition('dual-lib', ['>=1.0.0 <2'], (moduleExports: { default: typeof Client; helper?: () => string }) => {
        this.seen.push(moduleExports);
        const exported = (moduleExports as unknown as Record<symbol, unknown>)[Symbol.toStringTag] === 'Module' ? moduleExports.default : (moduleExports as unknown as typeof Client);
        const original = exported.prototype.query;
        exported.prototype.query = function query(this: Client): string {
          return `traced ${original.call(this)}`;
        };
        moduleExports.helper = () => 'replaced';
        return moduleExports;
      }),
      new InstrumentationNodeModuleDefinition('other-lib', ['*'], () => {
        throw new Error('other-lib must not be patched');
      }),
    ];
  }
}

/** As the layer holds a started instrumentation (its `_modules` is private to TypeScript). */
function asPatchable(instrumentation: ClientInstrumentation): PatchableInstrumentation {
  return instrumentation as unknown as PatchableInstrumentation;
}

/** An ES module namespace's shape: frozen, toStringTag 'Module'. */
function namespaceOf(): Readonly<Record<string, unknown>> {
  class OwnClient extends Client {}
  return Object.freeze(Object.create(null, { [Symbol.toStringTag]: { value: 'Module' }, default: { value: OwnClient, enumerable: true }, helper: { value: () => 'helper', enumerable: true } }));
}

describe('patchEsModule', () => {
  it('patches the classes an ES module build exports, in place, through the definition named for the module', () => {
    const instrumentation = new ClientInstrumentation();
    const namespace = namespaceOf();

    const result = patchEsModule(asPatchable(instrumentation), 'dual-lib', namespace, '1.4.0', satisfies);

    expect(result.patched).toBe(true);
    expect(new (namespace['default'] as typeof Client)().query()).toBe('traced original');
    expect((instrumentation as unknown as { _modules: Array<{ moduleVersion?: string }> })._modules[0]?.moduleVersion).toBe('1.4.0');
  });

  it('lists exports the patch replaced outright: an ES module keeps its own', () => {
    const namespace = namespaceOf();

    const { unapplied } = patchEsModule(asPatchable(new ClientInstrumentation()), 'dual-lib', namespace, '1.4.0', satisfies);

    expect(unapplied).toEqual(['helper']);
    expect((namespace['helper'] as () => string)()).toBe('helper');
  });

  it.each([
    ['a version outside the supported range', '2.0.0'],
    ['an unknown version (only "*" would accept it)', undefined],
  ])('leaves the module alone for %s', (_case, version) => {
    const instrumentation = new ClientInstrumentation();
    const namespace = namespaceOf();

    const result = patchEsModule(asPatchable(instrumentation), 'dual-lib', namespace, version, satisfies);

    expect(result).toEqual({ patched: false, unapplied: [] });
    expect(instrumentation.seen).toEqual([]);
    expect(new (namespace['default'] as typeof Client)().query()).toBe('original');
  });
});
