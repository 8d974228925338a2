import Module from 'node:module';

interface RequireFunction {
  (this: { filename?: string } | undefined, id: string): unknown;
}

/**
 * Calls `onFirstRequire(key)` just before the first require() of a watched module,
 * so that an instrumentation's code is loaded (and its require hook registered) only when the
 * function actually uses the library, yet before the library's exports are handed out.
 *
 * `pending` (module name → instrumentation) shrinks as instrumentations start. Requires made
 * from `ignoredDirs` do not count: the layer's own bundle (its exporter loads `http`) and the
 * runtime client (it loads `http` too), neither of which is the function using the library. Cost per require: a character check for relative/absolute paths, else one Map
 * lookup. Once every watched module has been seen, the hook removes itself.
 */
export function watchFirstRequire(pending: Map<string, string>, ignoredDirs: readonly string[], onFirstRequire: (key: string) => void): () => void {
  if (pending.size === 0) return () => undefined;
  const prototype = Module.prototype as unknown as { require: RequireFunction };
  const originalRequire = prototype.require;
  const restore = (): void => {
    if (prototype.require === watchingRequire) prototype.require = originalRequire;
  };
  function watchingRequire(this: { filename?: string } | undefined, id: string): unknown {
    if (typeof id === 'string' && pending.size > 0) {
      const key = pending.get(moduleNameOf(id));
      if (key !== undefined && !isFrom(this?.filename, ignoredDirs)) {
        forget(pending, key);
        if (pending.size === 0) restore();
        onFirstRequire(key);
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

/** Drops every module of the instrumentation `key`: it starts once. */
export function forget(pending: Map<string, string>, key: string): void {
  for (const [name, value] of pending) if (value === key) pending.delete(name);
}

/**
 * The name a watched module is listed under: `node:http` → `http`, `@scope/name/sub` →
 * `@scope/name`, `name/sub` → `name` (built-in subpaths such as `fs/promises` are listed as
 * such and matched first by the caller); relative and absolute paths → ''.
 */
export function moduleNameOf(id: string): string {
  const first = id.charCodeAt(0);
  // '.' or '/'
  if (first === 46 || first === 47) return '';
  const bare = id.startsWith('node:') ? id.slice(5) : id;
  const slash = bare.indexOf('/');
  if (slash === -1) return bare;
  if (bare.charCodeAt(0) !== 64 /* '@' */) return bare.slice(0, slash);
  const second = bare.indexOf('/', slash + 1);
  return second === -1 ? bare : bare.slice(0, second);
}
