import Module from 'node:module';

interface RequireFunction {
  (this: unknown, id: string): unknown;
}

/**
 * Calls `onFirstRequire(packageName)` just before the first require() of a watched package,
 * so that an instrumentation's code is loaded (and its require hook registered) only when the
 * function actually uses the library, yet before the library's exports are handed out.
 * require-in-the-middle, which the instrumentations use, checks its hooks after loading, so a
 * hook registered here still sees this very require.
 *
 * Cost per require: a character check for relative/absolute paths, else one Map lookup.
 * Once every watched package has been seen, the hook removes itself.
 */
export function watchFirstRequire(packages: ReadonlyMap<string, string>, onFirstRequire: (key: string) => void): () => void {
  const pending = new Map(packages);
  if (pending.size === 0) return () => undefined;
  const prototype = Module.prototype as unknown as { require: RequireFunction };
  const originalRequire = prototype.require;
  const restore = (): void => {
    if (prototype.require === watchingRequire) prototype.require = originalRequire;
  };
  function watchingRequire(this: unknown, id: string): unknown {
    if (typeof id === 'string' && pending.size > 0) {
      const key = pending.get(packageNameOf(id));
      if (key !== undefined) {
        for (const [name, value] of pending) if (value === key) pending.delete(name);
        if (pending.size === 0) restore();
        onFirstRequire(key);
      }
    }
    return originalRequire.apply(this, [id]);
  }
  prototype.require = watchingRequire;
  return restore;
}

/** `@scope/name/sub/path` → `@scope/name`; `name/sub` → `name`; relative and absolute paths → ''. */
export function packageNameOf(id: string): string {
  const first = id.charCodeAt(0);
  // '.' or '/'
  if (first === 46 || first === 47) return '';
  const slash = id.indexOf('/');
  if (slash === -1) return id;
  if (first !== 64 /* '@' */) return id.slice(0, slash);
  const second = id.indexOf('/', slash + 1);
  return second === -1 ? id : id.slice(0, second);
}
