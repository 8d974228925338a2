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
export function installHandlerPatch(location: HandlerLocation, taskRoot: string, wrap: WrapFunction, onHandlerLoaded?: () => void): void {
  const candidates = new Set(location.candidateFiles);
  const [topKey] = location.exportPath;
  if (topKey === undefined) return;
  let stopEsm: (() => void) | undefined;
  // By the time the runtime loads the handler it has set up its console and error handlers.
  const loaded = (): void => {
    if (onHandlerLoaded !== undefined) safeCall('console capture', onHandlerLoaded);
  };
  const stopCommonJs = interceptCommonJsHandlerLoad(candidates, taskRoot, (moduleExports) => {
    stopEsm?.();
    loaded();
    return replaceAtPath(moduleExports, location.exportPath, wrap);
  });
  stopEsm = interceptEsmHandlerImport(candidates, taskRoot, topKey, (namespace) => {
    stopCommonJs();
    loaded();
    return namespaceOverrides(namespace, location.exportPath, wrap);
  });
  if (stopEsm === undefined) {
    log.warn('this Node.js has no module.registerHooks (needs 22.15 or later): handlers loaded with import() are not traced.');
  }
}
