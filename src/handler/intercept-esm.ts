import Module from 'node:module';
import { fileURLToPath } from 'node:url';
import { isUserModule } from './user-module.ts';

export const RUNTIME_VIEW_GLOBAL = Symbol.for('otel-lambda.runtime-view');
const WRAPPED_QUERY = '?otel-lambda-handler';

type RegisterHooks = (hooks: {
  resolve?: (specifier: string, context: { parentURL?: string; conditions?: readonly string[] }, next: (s: string, c?: unknown) => { url: string; format?: string | null }) => { url: string; format?: string | null; shortCircuit?: boolean };
  load?: (url: string, context: unknown, next: (u: string, c?: unknown) => unknown) => unknown;
}) => { deregister(): void };

/** What the generated module asks for: the values to export in place of the user's. */
export type NamespaceView = (namespace: Record<string, unknown>) => { top: unknown; defaultExport: unknown };

/**
 * Gives the runtime client a wrapped handler when it loads the handler module with import()
 * (aws-lambda-ric v4 loads every handler so, v3 loads `.mjs` and `type: module` ones).
 *
 * Module namespaces are immutable, so the runtime's import of the handler file is redirected
 * to a small generated module that re-exports the user's module and overrides only the
 * handler's export. Node's synchronous in-thread hooks (`module.registerHooks`, Node ≥ 22.15)
 * do this without the loader worker thread that `module.register` and import-in-the-middle
 * start, which is what makes ESM tracing expensive at cold start in other layers.
 * The user's module stays one instance; other importers get it unchanged.
 */
export function interceptEsmHandlerImport(
  candidateFiles: ReadonlySet<string>,
  taskRoot: string,
  topKey: string,
  toNamespaceView: NamespaceView,
  onImportStart: (file: string) => void = () => undefined,
): (() => void) | undefined {
  const registerHooks = (Module as unknown as { registerHooks?: RegisterHooks }).registerHooks;
  if (typeof registerHooks !== 'function') return undefined;
  (globalThis as Record<symbol, unknown>)[RUNTIME_VIEW_GLOBAL] = toNamespaceView;

  let hooks: { deregister(): void } | undefined;
  const stop = (): void => {
    hooks?.deregister();
    hooks = undefined;
  };
  hooks = registerHooks({
    resolve(specifier, context, nextResolve) {
      const resolved = nextResolve(specifier, context);
      // require() goes through these hooks too; it is intercept-commonjs.ts's to handle.
      const isRequire = context.conditions?.includes('require') === true;
      if (isRequire || !candidateFiles.has(specifier) || isFromUserCode(context.parentURL, taskRoot)) return resolved;
      onImportStart(specifier);
      return { url: resolved.url + WRAPPED_QUERY, format: 'module', shortCircuit: true };
    },
    load(url, context, nextLoad) {
      if (!url.endsWith(WRAPPED_QUERY)) return nextLoad(url, context);
      stop();
      const originalUrl = url.slice(0, -WRAPPED_QUERY.length);
      return { format: 'module', source: generateWrapperModule(originalUrl, topKey), shortCircuit: true };
    },
  });
  return stop;
}

function isFromUserCode(parentURL: string | undefined, taskRoot: string): boolean {
  if (parentURL === undefined || !parentURL.startsWith('file:')) return false;
  return isUserModule(fileURLToPath(parentURL), taskRoot);
}

/** The generated module; exported for its unit test. */
export function generateWrapperModule(originalUrl: string, topKey: string): string {
  const source = JSON.stringify(originalUrl);
  const lines = [
    `import * as userModule from ${source};`,
    `export * from ${source};`,
    `const view = globalThis[Symbol.for('otel-lambda.runtime-view')](userModule);`,
    `const top = view.top;`,
    `export { top as ${JSON.stringify(topKey)} };`,
  ];
  if (topKey !== 'default') lines.push('export default view.defaultExport;');
  return lines.join('\n');
}
