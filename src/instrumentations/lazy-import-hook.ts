import Module from 'node:module';
import { pathToFileURL } from 'node:url';

type ResolveContext = { conditions?: readonly string[]; parentURL?: string };
type RegisterHooks = (hooks: {
  resolve: (specifier: string, context: ResolveContext, next: (specifier: string, context: ResolveContext) => unknown) => unknown;
}) => { deregister(): void };

/** Whether this Node.js has synchronous, in-thread module hooks (22.15 and later). */
export function hasModuleHooks(): boolean {
  return typeof (Module as unknown as { registerHooks?: unknown }).registerHooks === 'function';
}

/**
 * The ES module side of the lazy start for Node's built-ins: `import http from 'node:http'`
 * never goes through require(), so this synchronous resolve hook (`module.registerHooks`, no
 * loader thread) calls `onFirstImport(builtin)` before the built-in's ES module facade is made.
 * The caller starts the instrumentation and require()s the built-in once, which is when
 * require-in-the-middle patches it, so the facade then holds the patched functions.
 *
 * npm packages need no module hook: a CommonJS file that an import reaches is loaded through
 * `Module._load` (lazy-imported-commonjs-hook.ts), at no cost to any other module.
 *
 * `watched` maps both spellings (`http`, `node:http`) to the built-in's name, so a hook call for
 * any other module is one Map lookup on the specifier as given, allocating nothing. Imports made
 * from `ignoredDirs` (the runtime client) do not count. Each built-in is reported once; the hook
 * removes itself when none is left, and the caller removes it once the handler module has loaded:
 * registered module hooks also run, and cost, on every require().
 */
export function watchFirstBuiltinImport(builtins: readonly string[], ignoredDirs: readonly string[], onFirstImport: (builtin: string) => void): () => void {
  const registerHooks = (Module as unknown as { registerHooks?: RegisterHooks }).registerHooks;
  const watched = new Map<string, string>();
  for (const name of builtins.filter((builtin) => Module.isBuiltin(builtin))) {
    watched.set(name, name);
    watched.set(`node:${name}`, name);
  }
  if (typeof registerHooks !== 'function' || watched.size === 0) return () => undefined;
  const ignoredUrls = ignoredDirs.map((dir) => pathToFileURL(dir).href);
  let registered = true;
  const stop = (): void => {
    if (registered) hooks.deregister();
    registered = false;
  };
  const hooks = registerHooks({
    resolve(specifier, context, nextResolve) {
      const builtin = watched.get(specifier);
      // require() passes through these hooks too; it is the require watcher's to judge.
      if (builtin === undefined || context.conditions?.includes('require') === true) return nextResolve(specifier, context);
      const parentURL = context.parentURL;
      if (parentURL !== undefined && ignoredUrls.some((url) => parentURL.startsWith(url))) return nextResolve(specifier, context);
      watched.delete(builtin);
      watched.delete(`node:${builtin}`);
      if (watched.size === 0) stop();
      onFirstImport(builtin);
      return nextResolve(specifier, context);
    },
  });
  return stop;
}
