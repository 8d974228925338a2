import Module from 'node:module';
import { packageOfFile } from './module-names.ts';

interface CachedModule {
  exports: unknown;
  loaded: boolean;
}

interface ModuleLoader {
  _load(request: string, parent: unknown, isMain: boolean): unknown;
  _cache: Record<string, CachedModule | undefined>;
}

/** What the hook tells its owner about one CommonJS file that an `import` reached. */
export interface ImportedCommonJs {
  /** Start `instrumentation` (if not yet) before `packageName`'s file runs. */
  onImport(instrumentation: string, packageName: string, filename: string): void;
  /** Loads the file through `Module.prototype.require`, where require-in-the-middle patches. */
  requireFile(filename: string): unknown;
  /** The file loaded but its instrumentation's patch threw: the importer gets the unpatched exports. */
  onPatchError(instrumentation: string, packageName: string, error: unknown): void;
}

/**
 * Node runs a CommonJS file that an `import` reaches (a CommonJS package imported from an ES
 * module, or a package's ES module wrapper importing its CommonJS core by a relative path, as
 * pg's `esm/index.mjs` does) as `Module._load(filename, undefined, …)` from its ES module
 * loader, on Node 22 and 24 alike (lib/internal/modules/esm/translators.js: "This goes through
 * Module._load to accommodate monkey-patchers"), then reads `module.exports` from the file's
 * cache entry. It never calls `Module.prototype.require`, which is where require-in-the-middle
 * patches, so such a library was loaded unpatched.
 *
 * For a file of a watched package, this hook starts the instrumentation and loads the file
 * through require() instead, at the very moment Node would have loaded it (so the importing
 * graph's evaluation order is kept). An instrumentation whose patch returns a new exports
 * object (pino, bunyan) has that object put into the cache entry, where the ES module loader
 * takes the default and named exports from.
 *
 * Cost for everything else: every require() passes through `Module._load`; for those the hook
 * compares `parent` with undefined and calls on, allocating nothing. It stays for the process's
 * life: a dynamic `import()` in an invocation is served the same way.
 */
export function routeImportedCommonJs(targets: ReadonlyMap<string, string>, owner: ImportedCommonJs): () => void {
  if (targets.size === 0) return () => undefined;
  const loader = Module as unknown as ModuleLoader;
  const originalLoad = loader._load;
  const restore = (): void => {
    if (loader._load === routingLoad) loader._load = originalLoad;
  };
  function routingLoad(this: unknown, request: string, parent: unknown): unknown {
    if (parent !== undefined || typeof request !== 'string' || request.charCodeAt(0) !== 47 /* '/' */) {
      // Passes every argument on (Node adds internal options after isMain).
      return originalLoad.apply(this, arguments as unknown as [string, unknown, boolean]);
    }
    const found = packageOfFile(request);
    const instrumentation = found === undefined ? undefined : targets.get(found.name);
    if (found === undefined || instrumentation === undefined) return originalLoad.apply(this, arguments as unknown as [string, unknown, boolean]);
    owner.onImport(instrumentation, found.name, request);
    return loadThroughRequire(loader, request, owner, (error) => owner.onPatchError(instrumentation, found.name, error));
  }
  loader._load = routingLoad;
  return restore;
}

function loadThroughRequire(loader: ModuleLoader, filename: string, owner: ImportedCommonJs, onPatchError: (error: unknown) => void): unknown {
  let exports: unknown;
  try {
    exports = owner.requireFile(filename);
  } catch (error) {
    const entry = loader._cache[filename];
    // The file itself failed: the importer gets exactly that error, as it would without the layer.
    if (entry?.loaded !== true) throw error;
    // The file loaded and the patch failed (require-in-the-middle calls patches unguarded).
    onPatchError(error);
    return entry.exports;
  }
  const entry = loader._cache[filename];
  if (entry !== undefined && entry.exports !== exports) entry.exports = exports;
  return exports;
}
