import Module from 'node:module';
import { isUserModule } from './user-module.ts';

interface ModuleLoader {
  _load(request: string, parent: { filename?: string } | undefined, isMain: boolean): unknown;
}

/**
 * Gives the runtime client a view of the handler module with the handler wrapped, when the
 * client loads it with require() (aws-lambda-ric v3, and v4's node-style fallback).
 *
 * Why `Module._load` rather than require-in-the-middle: we must hand the runtime a different
 * object than the module cache holds (esbuild bundles export non-configurable getters that
 * cannot be patched in place), and only for the runtime's own require of one known path.
 * The hook compares the request string with a few absolute paths and removes itself once the
 * handler has been seen, so it costs nothing afterwards.
 */
export function interceptCommonJsHandlerLoad(
  candidateFiles: ReadonlySet<string>,
  taskRoot: string,
  toRuntimeView: (moduleExports: unknown) => unknown,
  onLoadStart: (file: string) => void,
): () => void {
  const loader = Module as unknown as ModuleLoader;
  const originalLoad = loader._load;
  const restore = (): void => {
    if (loader._load === interceptingLoad) loader._load = originalLoad;
  };
  function interceptingLoad(this: unknown, request: string, parent: { filename?: string } | undefined, isMain: boolean): unknown {
    const isHandler = candidateFiles.has(request) && !isUserModule(parent?.filename, taskRoot);
    if (!isHandler) return originalLoad.call(this, request, parent, isMain);
    restore();
    onLoadStart(request);
    return toRuntimeView(originalLoad.call(this, request, parent, isMain));
  }
  loader._load = interceptingLoad;
  return restore;
}
