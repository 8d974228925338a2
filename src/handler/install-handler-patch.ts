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
export function installHandlerPatch(location: HandlerLocation, taskRoot: string, wrap: WrapFunction): void {
  const candidates = new Set(location.candidateFiles);
  const [topKey] = location.exportPath;
  if (topKey === undefined) return;
  let stopEsm: (() => void) | undefined;
  const stopCommonJs = interceptCommonJsHandlerLoad(candidates, taskRoot, (moduleExports) => {
    stopEsm?.();
    return replaceAtPath(moduleExports, location.exportPath, wrap);
  });
  stopEsm = interceptEsmHandlerImport(candidates, taskRoot, topKey, (namespace) => {
    stopCommonJs();
    return namespaceOverrides(namespace, location.exportPath, wrap);
  });
  if (stopEsm === undefined) {
    log.warn('this Node.js has no module.registerHooks (needs 22.15 or later): handlers loaded with import() are not traced.');
  }
}
