import { safeCall } from '../hooks/safe-call.ts';
import { log } from '../log.ts';
import { interceptCommonJsHandlerLoad } from './intercept-commonjs.ts';
import { interceptEsmHandlerImport } from './intercept-esm.ts';
import type { HandlerLocation } from './resolve-handler.ts';
import { namespaceOverrides, replaceAtPath, type WrapFunction } from './runtime-view.ts';

/**
 * Makes the runtime client receive the wrapped handler however it loads the handler module:
 * require() (CommonJS under ric v3) or import() (ES modules, and every module under ric v4).
 * Loading itself stays the runtime's, so a missing module, a syntax error or a missing export
 * produce exactly the runtime's own errors.
 */
export interface HandlerLoadHooks {
  /** The runtime started to load the handler module `file` (require() or import()). */
  readonly onLoadStart?: (file: string) => void;
  /** The runtime started to require() the handler: module hooks are no longer needed. */
  readonly onCommonJsLoadStart?: () => void;
  /** The handler module has loaded (and its static imports with it). */
  readonly onLoaded?: () => void;
}

export function installHandlerPatch(location: HandlerLocation, taskRoot: string, wrap: WrapFunction, hooks: HandlerLoadHooks = {}): void {
  const candidates = new Set(location.candidateFiles);
  const [topKey] = location.exportPath;
  if (topKey === undefined) return;
  let stopEsm: (() => void) | undefined;
  // Called once the handler module has loaded: the runtime has set up its console and error
  // handlers by then, and the module's static imports are done.
  const loaded = (): void => {
    if (hooks.onLoaded !== undefined) safeCall('handler-loaded hook', hooks.onLoaded);
  };
  const loadStarted = (file: string): void => {
    if (hooks.onLoadStart !== undefined) safeCall('handler-load hook', () => hooks.onLoadStart?.(file));
  };
  const stopCommonJs = interceptCommonJsHandlerLoad(
    candidates,
    taskRoot,
    (moduleExports) => {
      loaded();
      return replaceAtPath(moduleExports, location.exportPath, wrap);
    },
    // Node's module hooks, once registered, also run for every require(): they go before the
    // handler's own dependencies load (the AWS SDK alone is hundreds of requires).
    (file) => {
      stopEsm?.();
      if (hooks.onCommonJsLoadStart !== undefined) safeCall('handler-load hook', hooks.onCommonJsLoadStart);
      loadStarted(file);
    },
  );
  stopEsm = interceptEsmHandlerImport(
    candidates,
    taskRoot,
    topKey,
    (namespace) => {
      stopCommonJs();
      loaded();
      return namespaceOverrides(namespace, location.exportPath, wrap);
    },
    loadStarted,
  );
  if (stopEsm === undefined) {
    log.warn('this Node.js has no module.registerHooks (needs 22.15 or later): handlers loaded with import() are not traced.');
  }
}
