import Module from 'node:module';

type ResolveContext = { conditions?: readonly string[] };
type RegisterHooks = (hooks: {
  resolve: (specifier: string, context: ResolveContext, next: (specifier: string, context: ResolveContext) => unknown) => unknown;
}) => { deregister(): void };

/**
 * The ES module side of the lazy start, for Node's built-ins only: `import http from 'node:http'`
 * never goes through require(), so this synchronous resolve hook (Node ≥ 22.15) calls
 * `onFirstImport(key, builtin)` before the built-in's ES module facade is made; the caller starts
 * the instrumentation and require()s the built-in once, which is when require-in-the-middle
 * patches it, so the facade then holds the patched functions. npm packages imported as ES modules
 * are out of reach of the require-based instrumentations anyway. Each built-in is handled once;
 * the hook removes itself when none is left, and the caller removes it once the handler module
 * has loaded: registered module hooks also run, and cost, on every require().
 */
export function watchFirstBuiltinImport(targets: ReadonlyMap<string, string>, onFirstImport: (key: string, builtin: string) => void): () => void {
  const registerHooks = (Module as unknown as { registerHooks?: RegisterHooks }).registerHooks;
  const pending = new Map([...targets].filter(([name]) => Module.isBuiltin(name)));
  if (typeof registerHooks !== 'function' || pending.size === 0) return () => undefined;
  let registered = true;
  const stop = (): void => {
    if (registered) hooks.deregister();
    registered = false;
  };
  const hooks = registerHooks({
    resolve(specifier, context, nextResolve) {
      // require() passes through these hooks too; it is the require watcher's to judge (it knows
      // who is asking: the runtime client's own requires must not count).
      if (context.conditions?.includes('require') === true) return nextResolve(specifier, context);
      const name = specifier.startsWith('node:') ? specifier.slice(5) : specifier;
      const key = pending.get(name);
      if (key !== undefined) {
        pending.delete(name);
        if (pending.size === 0) stop();
        onFirstImport(key, name);
      }
      return nextResolve(specifier, context);
    },
  });
  return stop;
}
