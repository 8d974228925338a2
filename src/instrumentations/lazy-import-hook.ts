import Module from 'node:module';
import { pathToFileURL } from 'node:url';

type ResolveContext = { conditions?: readonly string[]; parentURL?: string };
type Resolved = { url: string; format?: string | null };
type Loaded = { format?: string | null; source?: string | Uint8Array | null };
type RegisterHooks = (hooks: {
  resolve?: (specifier: string, context: ResolveContext, next: (specifier: string, context: ResolveContext) => Resolved) => Resolved;
  load?: (url: string, context: unknown, next: (url: string, context: unknown) => Loaded) => Loaded;
}) => { deregister(): void };

/** Where the code appended to a watched ES module build hands over its namespace. */
export const ES_MODULE_EVALUATED = Symbol.for('otel-lambda.es-module-evaluated');

/** Whether this Node.js has synchronous, in-thread module hooks (22.15 and later). */
export function hasModuleHooks(): boolean {
  return typeof (Module as unknown as { registerHooks?: unknown }).registerHooks === 'function';
}

export interface ImportWatch {
  /** Built-ins the enabled instrumentations patch (`http`, `fs/promises`). */
  readonly builtins: readonly string[];
  /** npm modules the enabled instrumentations patch, by the name an import uses (`pg`, `@redis/client`). */
  readonly packages: ReadonlySet<string>;
  /** Imports from these directories (the runtime client) do not count. */
  readonly ignoredDirs: readonly string[];
  /** A built-in is imported for the first time, before its ES module facade is made. */
  onFirstBuiltinImport(builtin: string): void;
  /**
   * `import '<module>'` resolved to an ES module file (`url`): its source gets one appended line
   * that calls `globalThis[ES_MODULE_EVALUATED](url, namespace)` once its body has run.
   */
  onEsModuleEntry(module: string, url: string): void;
  /** `import '<module>'` resolved to a file that is not an ES module (a CommonJS package). */
  onCommonJsEntry(module: string, url: string): void;
}

/**
 * The ES module side of the lazy start, through Node's synchronous in-thread module hooks
 * (`module.registerHooks`, Node ≥ 22.15: no loader thread, unlike `module.register` and
 * import-in-the-middle's loader). Two things only an import hook can see:
 *
 * - `import http from 'node:http'` never goes through require(): `onFirstBuiltinImport` runs
 *   before the built-in's ES module facade is made; the caller starts the instrumentation and
 *   require()s the built-in once (where require-in-the-middle patches), so the facade copies
 *   the patched functions.
 * - A package whose import resolves to an ES module build (`exports` with an `import`
 *   condition): the entry file's source gets one appended line, an import of its own namespace
 *   and a call that hands it over once the module body has run, so the caller can patch it.
 *   The line goes at the end (no line moves; stack traces and source maps stay right). Only the
 *   entry file of a package the enabled instrumentations target is ever changed.
 *
 * CommonJS packages imported from ES modules need no module hook (lazy-imported-commonjs-hook.ts).
 *
 * Cost: every other resolve is one Map and one Set lookup on the specifier as given, every other
 * load (only once an ES module build was found) one Map lookup, allocating nothing. The caller removes the hooks once the handler module has
 * loaded: registered module hooks also run, and cost, on every require().
 */
export function watchImports(watch: ImportWatch): () => void {
  const registerHooks = (Module as unknown as { registerHooks?: RegisterHooks }).registerHooks;
  const builtins = new Map<string, string>();
  for (const name of watch.builtins.filter((builtin) => Module.isBuiltin(builtin))) {
    builtins.set(name, name);
    builtins.set(`node:${name}`, name);
  }
  if (typeof registerHooks !== 'function' || (builtins.size === 0 && watch.packages.size === 0)) return () => undefined;
  const ignoredUrls = watch.ignoredDirs.map((dir) => pathToFileURL(dir).href);
  const isIgnored = (parentURL: string | undefined): boolean => parentURL !== undefined && ignoredUrls.some((url) => parentURL.startsWith(url));
  /** Entry files resolved, waiting for their load. */
  const entries = new Map<string, string>();
  // The load hook is registered only once an entry file is found: most functions import no ES
  // module build, and a load hook runs for every module loaded while it is registered.
  let loadHooks: { deregister(): void } | undefined;
  const appendHandOver = (url: string, context: unknown, nextLoad: (url: string, context: unknown) => Loaded): Loaded => {
    if (!entries.has(url)) return nextLoad(url, context);
    entries.delete(url);
    const loaded = nextLoad(url, context);
    if (loaded.format !== 'module' || loaded.source === undefined || loaded.source === null) return loaded;
    return { ...loaded, source: sourceText(loaded.source) + handOverLine(url) };
  };
  let registered = true;
  const stop = (): void => {
    if (registered) {
      hooks.deregister();
      loadHooks?.deregister();
    }
    registered = false;
  };
  const hooks = registerHooks({
    resolve(specifier, context, nextResolve) {
      const builtin = builtins.get(specifier);
      if (builtin === undefined && !watch.packages.has(specifier)) return nextResolve(specifier, context);
      // require() passes through these hooks too; it is the require watcher's to judge.
      if (context.conditions?.includes('require') === true || isIgnored(context.parentURL)) return nextResolve(specifier, context);
      if (builtin !== undefined) {
        builtins.delete(builtin);
        builtins.delete(`node:${builtin}`);
        watch.onFirstBuiltinImport(builtin);
        return nextResolve(specifier, context);
      }
      const resolved = nextResolve(specifier, context);
      if (!resolved.url.startsWith('file:')) return resolved;
      if (resolved.format === 'module' || resolved.url.endsWith('.mjs')) {
        entries.set(resolved.url, specifier);
        loadHooks ??= registerHooks({ load: appendHandOver });
        watch.onEsModuleEntry(specifier, resolved.url);
      } else {
        watch.onCommonJsEntry(specifier, resolved.url);
      }
      return resolved;
    },
  });
  return stop;
}

/** The line appended to a watched ES module build: its own namespace, once its body has run. */
export function handOverLine(url: string): string {
  const quoted = JSON.stringify(url);
  return `\n;import * as __otelLambdaNamespace from ${quoted}; globalThis[Symbol.for('otel-lambda.es-module-evaluated')]?.(${quoted}, __otelLambdaNamespace);\n`;
}

function sourceText(source: string | Uint8Array): string {
  if (typeof source === 'string') return source;
  return new TextDecoder().decode(source);
}
