/**
 * Builds what the runtime client sees of the user's module: the same values, except that the
 * handler at `exportPath` is wrapped. The user's own module object is never modified, so
 * esbuild bundles whose exports are non-configurable getters work ("Cannot redefine property"
 * is what patching in place gives), and other modules that import the handler module see it
 * untouched.
 */
export type WrapFunction = (handler: Function) => Function;

export function replaceAtPath(value: unknown, exportPath: readonly string[], wrap: WrapFunction): unknown {
  const [key, ...rest] = exportPath;
  if (key === undefined) return typeof value === 'function' ? wrap(value) : value;
  if (!isContainer(value)) return value;
  const current: unknown = Reflect.get(value, key);
  if (current === undefined || current === null) return value;
  const replacement = replaceAtPath(current, rest, wrap);
  return replacement === current ? value : copyWith(value, key, replacement);
}

/**
 * What an ES module namespace must export so that the runtime client finds the wrapped
 * handler wherever it would have found the original: both clients look up the export path on
 * the namespace; v4 then falls back to the namespace's `default` (how CommonJS modules
 * loaded through import() expose their exports).
 */
export function namespaceOverrides(
  namespace: Record<string, unknown>,
  exportPath: readonly string[],
  wrap: WrapFunction,
): { top: unknown; defaultExport: unknown } {
  const [topKey, ...rest] = exportPath;
  const top = topKey === undefined ? undefined : namespace[topKey];
  const wrappedTop = replaceAtPath(top, rest, wrap);
  const foundOnNamespace = wrappedTop !== top;
  const defaultExport = namespace['default'];
  return {
    top: wrappedTop,
    defaultExport: foundOnNamespace || topKey === 'default' ? defaultExport : replaceAtPath(defaultExport, exportPath, wrap),
  };
}

function isContainer(value: unknown): value is object {
  return (typeof value === 'object' && value !== null) || typeof value === 'function';
}

function copyWith(container: object, key: string, replacement: unknown): object {
  if (typeof container === 'function') return proxyWith(container, key, replacement);
  const descriptors = Object.getOwnPropertyDescriptors(container) as Record<string, PropertyDescriptor>;
  descriptors[key] = { value: replacement, writable: true, enumerable: true, configurable: true };
  return Object.create(Object.getPrototypeOf(container) as object | null, descriptors) as object;
}

// A function cannot be copied; a Proxy keeps it callable. A Proxy may not report another value
// for a non-configurable, non-writable property, so such a handler is left unwrapped (untraced,
// never broken).
function proxyWith(target: Function, key: string, replacement: unknown): object {
  const own = Object.getOwnPropertyDescriptor(target, key);
  if (own !== undefined && own.configurable === false && own.writable === false) return target;
  return new Proxy(target, {
    get: (object, property, receiver) => (property === key ? replacement : Reflect.get(object, property, receiver)),
  });
}
