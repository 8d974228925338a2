import Module from 'node:module';
import { packageOfFile } from './module-names.ts';

interface CachedModule {
  exports: unknown;
  loaded: boolean;
}

interface ModuleLoader {
  _load(request: string, parent: unknown, isMain: boolean, options?: unknown): unknown;
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
  // Named parameters rather than `arguments`: the interpreter would allocate an arguments object
  // on every require(). Node passes at most four (its internal options after isMain).
  function routingLoad(this: unknown, request: string, parent: unknown, isMain: boolean, options: unknown): unknown {
    if (parent !== undefined || typeof request !== 'string' || request.charCodeAt(0) !== 47 /* '/' */) {
      return originalLoad.call(this, request, parent, isMain, options);
    }
    const found = packageOfFile(request);
    const instrumentation = found === undefined ? undefined : targets.get(found.name);
    if (found === undefined || instrumentation === undefined) return originalLoad.call(this, request, parent, isMain, options);
    owner.onImport(instrumentation, found.name, request);
    return loadThroughRequire(loader, request, owner, (error) => owner.onPatchError(instrumentation, found.name, error));
  }
  loader._load = routingLoad;
  return restore;
}

/*
 * Why the file is loaded into a module object of its own, not into the cache entry the ES module
 * loader made for it (and reads the exports from): Node 22's `Module.prototype.load` keeps a
 * private snapshot of a module's exports as it finishes loading, and its ES module loader hands
 * importers that snapshot in preference to `module.exports` (lib/internal/modules/cjs/loader.js
 * and esm/translators.js in Node 22; Node 24 reads `module.exports`). The snapshot would be
 * taken before require-in-the-middle patches; an entry that never ran has none, so the
 * exports put into it are the ones importers get, on both lines. The unit test of this hook
 * fails on a Node that changes this.
 */
function loadThroughRequire(loader: ModuleLoader, filename: string, owner: ImportedCommonJs, onPatchError: (error: unknown) => void): unknown {
  const entry = loader._cache[filename];
  const ownEntry = entry !== undefined && !entry.loaded;
  if (ownEntry) delete loader._cache[filename];
  let exports: unknown;
  try {
    exports = owner.requireFile(filename);
  } catch (error) {
    const loaded = loader._cache[filename];
    // The file itself failed: the importer gets exactly that error, as it would without the layer.
    if (loaded?.loaded !== true) throw error;
    // The file loaded and the patch failed (require-in-the-middle calls patches unguarded).
    onPatchError(error);
    exports = loaded.exports;
  }
  if (ownEntry) {
    entry.exports = exports;
    entry.loaded = true;
  }
  return exports;
}

/**
 * For a CommonJS file already loaded by require() that an `import` now reaches: the ES module
 * loader takes the exports from the cache entry (Node 22: from its snapshot), which hold what
 * the file set, while require-in-the-middle handed requirers its patched exports (a different
 * object when the patch returns one, as pino's and bunyan's do). Then the cache entry is
 * replaced by one that never ran, holding the patched exports (require() of the loaded file
 * returns them from require-in-the-middle's cache). A file not yet loaded is left alone: its load
 * goes through `Module._load`, where `routeImportedCommonJs` serves it.
 */
export function alignLoadedExports(filename: string, requireFile: (filename: string) => unknown): void {
  const loader = Module as unknown as ModuleLoader;
  const entry = loader._cache[filename];
  if (entry?.loaded !== true) return;
  const exports = requireFile(filename);
  if (exports === entry.exports) return;
  const replacement = new Module(filename) as unknown as CachedModule & { filename: string; paths: unknown };
  replacement.filename = filename;
  replacement.paths = (entry as unknown as { paths: unknown }).paths;
  replacement.exports = exports;
  replacement.loaded = true;
  loader._cache[filename] = replacement;
}
