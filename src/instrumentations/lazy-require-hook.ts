import Module from 'node:module';
import { moduleNameOf } from './module-names.ts';

interface RequireFunction {
  (this: { filename?: string } | undefined, id: string): unknown;
}

/**
 * Calls `onFirstRequire(key, module)` just before the first require() of a watched module,
 * so that an instrumentation's code is loaded (and its require hook registered) only when the
 * function actually uses the library, yet before the library's exports are handed out.
 *
 * `pending` (module name → instrumentation) is the caller's, and shrinks as instrumentations
 * start (`onFirstRequire` removes every module of the one it starts). Requires made
 * from `ignoredDirs` do not count: the layer's own bundle (its exporter loads `http`) and the
 * runtime client (it loads `http` too), neither of which is the function using the library.
 * Cost per require: a character check for relative/absolute paths, else one Map lookup. Once
 * every watched module has been seen, the hook removes itself.
 */
export function watchFirstRequire(pending: Map<string, string>, ignoredDirs: readonly string[], onFirstRequire: (key: string, module: string) => void): () => void {
  if (pending.size === 0) return () => undefined;
  const prototype = Module.prototype as unknown as { require: RequireFunction };
  const originalRequire = prototype.require;
  const restore = (): void => {
    if (prototype.require === watchingRequire) prototype.require = originalRequire;
  };
  function watchingRequire(this: { filename?: string } | undefined, id: string): unknown {
    if (typeof id === 'string' && pending.size > 0) {
      const name = moduleNameOf(id);
      const key = pending.get(name);
      if (key !== undefined && !isFrom(this?.filename, ignoredDirs)) {
        onFirstRequire(key, name);
        if (pending.size === 0) restore();
        // The instrumentation may just have put require-in-the-middle's hook around ours: this
        // require goes through the whole chain again so that the hook sees it (our watcher lets
        // it pass, the module being no longer pending).
        return prototype.require.call(this, id);
      }
    }
    return originalRequire.call(this, id);
  }
  prototype.require = watchingRequire;
  return restore;
}

function isFrom(filename: string | undefined, dirs: readonly string[]): boolean {
  return filename !== undefined && dirs.some((dir) => filename.startsWith(dir));
}
