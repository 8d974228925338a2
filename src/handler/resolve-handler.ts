import { resolve as resolvePath, basename } from 'node:path';

/** Where the runtime client will look for the handler, and the export path inside the module. */
export interface HandlerLocation {
  /** Absolute paths the runtime client may load, in its own lookup order. */
  readonly candidateFiles: readonly string[];
  /** `index.nested.handler` → ['nested', 'handler']. */
  readonly exportPath: readonly string[];
}

// Both runtime clients (aws-lambda-ric v3 and v4) split `_HANDLER` the same way:
// the last path segment is `module.export.path`, what precedes it is the module root
// resolved against LAMBDA_TASK_ROOT, and extensions are tried in this order.
const FUNCTION_EXPRESSION = /^([^.]*)\.(.*)$/;
const EXTENSION_LOOKUP_ORDER = ['', '.js', '.mjs', '.cjs'];

/**
 * Parses `_HANDLER` without touching the file system. Returns undefined for a malformed
 * value: the runtime client then reports its own error and the layer stays out of the way.
 */
export function resolveHandlerLocation(taskRoot: string, handler: string): HandlerLocation | undefined {
  if (handler.includes('..')) return undefined;
  const handlerString = basename(handler);
  const moduleRoot = handler.substring(0, handler.indexOf(handlerString)).replace(/\/$/, '');
  const match = FUNCTION_EXPRESSION.exec(handlerString);
  const moduleName = match?.[1];
  const exportPath = match?.[2];
  if (moduleName === undefined || exportPath === undefined || exportPath === '') return undefined;
  const withoutExtension = resolvePath(taskRoot, moduleRoot, moduleName);
  return {
    candidateFiles: EXTENSION_LOOKUP_ORDER.map((extension) => withoutExtension + extension),
    exportPath: exportPath.split('.'),
  };
}
