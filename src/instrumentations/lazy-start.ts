import Module from 'node:module';
import { fileURLToPath } from 'node:url';
import { alignLoadedExports, routeImportedCommonJs } from './lazy-imported-commonjs-hook.ts';
import { watchFirstFetch } from './lazy-fetch-hook.ts';
import { ES_MODULE_EVALUATED, hasModuleHooks, watchImports } from './lazy-import-hook.ts';
import { watchFirstRequire } from './lazy-require-hook.ts';
import { moduleNameOf } from './module-names.ts';

/** How the function first reached a watched module. */
export type LoadStyle = 'require' | 'import' | 'import-commonjs' | 'fetch';

/** One watched module about to be used for the first time by the function. */
export interface FirstUse {
  /** The instrumentation that targets it (its catalogue name). */
  readonly instrumentation: string;
  /** The module as the catalogue lists it (`pg`, `http`, `@smithy/core`). */
  readonly module: string;
  readonly style: LoadStyle;
}

export interface LazyStartOptions {
  /** Every module the enabled instrumentations target (catalogue name → instrumentation). */
  readonly targets: ReadonlyMap<string, string>;
  /** The instrumentation the first call of the global fetch starts (undici's listens on diagnostics channels). */
  readonly onFirstFetch?: string;
  /** Loads from these directories are not the function's (the layer, the runtime client). */
  readonly ignoredDirs: readonly string[];
  /** Starts an instrumentation: called once per instrumentation, before its library's code runs. */
  readonly start: (instrumentation: string, use: FirstUse) => void;
  /** require() as the layer calls it, through `Module.prototype.require` (and so require-in-the-middle). */
  readonly require: (id: string) => unknown;
  /** Reports what could not be done (a patch that threw); the library is still handed out. */
  /**
   * Patches the ES module build of a package (`import` resolved to an ES module file, not a
   * wrapper around the package's CommonJS core) once the module's body has run.
   */
  readonly patchEsModule: (instrumentation: string, module: string, namespace: Readonly<Record<string, unknown>>, url: string) => void;
  readonly warn: (message: string) => void;
  readonly debug: (message: string) => void;
}

export interface LazyStart {
  /**
   * Removes the module hooks (`module.registerHooks`), which cost on every later require():
   * call once the handler module and its static imports have loaded. The require and
   * imported-CommonJS taps stay; they cost a comparison per load.
   */
  readonly stopWatchingImports: () => void;
}

/**
 * One lazy-start mechanism for every way a function loads a library, driven by the include list
 * (`targets`): an instrumentation's code is loaded only when the function first uses a module it
 * patches, and always before that module's exports reach the function.
 *
 * - `require('pg')`, from CommonJS code or an esbuild bundle's require shim: the require watcher
 *   (lazy-require-hook.ts), then require-in-the-middle patches as usual;
 * - `import pg from 'pg'` (static or dynamic) and a package's ES module wrapper importing its
 *   CommonJS core (`pg/esm/index.mjs` → `../lib/index.js`): Node's ES module loader runs the
 *   CommonJS file through `Module._load`, where lazy-imported-commonjs-hook.ts starts the
 *   instrumentation and loads the file through require() so that require-in-the-middle patches
 *   it (every time, not only the first: the instrumentation may have been started by another);
 * - `import http from 'node:http'`: a synchronous resolve hook (lazy-import-hook.ts), while the
 *   handler loads;
 * - the global `fetch` (Node's own undici): its first call (lazy-fetch-hook.ts).
 *
 * Nothing outside the include list is wrapped or rewritten: a bundled handler, the function's
 * own modules and every other package load exactly as without the layer.
 */
export function startLazily(options: LazyStartOptions): LazyStart {
  const { targets, start } = options;
  const pending = new Map(targets);
  const started = new Set<string>();
  const firstUse = (use: FirstUse): void => {
    if (started.has(use.instrumentation)) return;
    started.add(use.instrumentation);
    for (const [module, instrumentation] of pending) if (instrumentation === use.instrumentation) pending.delete(module);
    start(use.instrumentation, use);
  };

  watchFirstRequire(pending, options.ignoredDirs, (instrumentation, module) => firstUse({ instrumentation, module, style: 'require' }));
  if (options.onFirstFetch !== undefined) {
    const instrumentation = options.onFirstFetch;
    watchFirstFetch(() => firstUse({ instrumentation, module: 'fetch', style: 'fetch' }));
  }

  const packages = new Map([...targets].filter(([module]) => !Module.isBuiltin(module)));
  // Packages whose CommonJS files an import reached: their ES module entry is a wrapper around
  // that core (pg's esm/index.mjs), already patched through require().
  const importedCommonJs = new Set<string>();
  routeImportedCommonJs(packages, {
    onImport(instrumentation, packageName, filename) {
      firstUse({ instrumentation, module: packageName, style: 'import-commonjs' });
      if (!importedCommonJs.has(packageName)) {
        importedCommonJs.add(packageName);
        options.debug(`${packageName} imported from an ES module (${filename}): loaded through require() so that instrumentation ${instrumentation} patches it.`);
      }
    },
    requireFile: options.require,
    onPatchError(instrumentation, packageName, error) {
      options.warn(`instrumentation ${instrumentation} failed to patch ${packageName} (${error instanceof Error ? error.message : String(error)}); ${packageName} works, untraced.`);
    },
  });

  const esModuleEntries = new Map<string, string>();
  (globalThis as Record<symbol, unknown>)[ES_MODULE_EVALUATED] = (url: string, namespace: Readonly<Record<string, unknown>>): void => {
    const module = esModuleEntries.get(url);
    const instrumentation = module === undefined ? undefined : targets.get(module);
    if (module === undefined || instrumentation === undefined) return;
    esModuleEntries.delete(url);
    if (importedCommonJs.has(moduleNameOf(module))) return;
    try {
      options.patchEsModule(instrumentation, module, namespace, url);
    } catch (error) {
      options.warn(`instrumentation ${instrumentation} failed to patch the ES module build of ${module} (${error instanceof Error ? error.message : String(error)}); ${module} works, untraced.`);
    }
  };

  const builtins = [...targets.keys()].filter((module) => Module.isBuiltin(module));
  if (!hasModuleHooks()) {
    options.debug('this Node.js has no module.registerHooks (22.15 and later): ES module imports of built-ins (node:http) and ES module builds of libraries start no instrumentation; require(), imported CommonJS packages and fetch still do.');
  }
  const stopWatchingImports = watchImports({
    builtins,
    packages: new Set(packages.keys()),
    ignoredDirs: options.ignoredDirs,
    onFirstBuiltinImport(builtin) {
      const instrumentation = targets.get(builtin);
      if (instrumentation === undefined) return;
      firstUse({ instrumentation, module: builtin, style: 'import' });
      // require() is where require-in-the-middle patches a built-in: done once here, before the
      // ES module facade copies its exports.
      options.require(builtin);
    },
    onEsModuleEntry(module, url) {
      const instrumentation = targets.get(module);
      if (instrumentation === undefined) return;
      esModuleEntries.set(url, module);
      firstUse({ instrumentation, module, style: 'import' });
    },
    onCommonJsEntry(_module, url) {
      alignLoadedExports(fileURLToPath(url), options.require);
    },
  });
  return { stopWatchingImports };
}


