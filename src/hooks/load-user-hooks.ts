import { createRequire } from 'node:module';
import { isAbsolute, join } from 'node:path';
import { quoted } from '../config/index.ts';
import { describeError, log } from '../log.ts';
import { NO_HOOKS, type UserHooks } from './user-hooks.ts';

/**
 * Loads the user's hooks module (OTEL_LAMBDA_HOOKS_MODULE), a path absolute or relative to
 * LAMBDA_TASK_ROOT, CommonJS or ES module (loaded with require(), which Node ≥ 22.12 allows
 * for ES modules without top-level await). A module that fails to load, or exports members of
 * the wrong kind, costs one warning; the layer carries on without them.
 */
export function loadUserHooks(modulePath: string | undefined, taskRoot: string): UserHooks {
  if (modulePath === undefined) return NO_HOOKS;
  const fullPath = isAbsolute(modulePath) ? modulePath : join(taskRoot, modulePath);
  try {
    const loaded = createRequire(join(taskRoot, 'noop.js'))(fullPath) as { default?: unknown } & Record<string, unknown>;
    const exported = (loaded.default !== undefined && typeof loaded.default === 'object' ? loaded.default : loaded) as Record<string, unknown>;
    return validHooks(exported, modulePath);
  } catch (error) {
    log.warn(`OTEL_LAMBDA_HOOKS_MODULE=${quoted(modulePath)} could not be loaded (${describeError(error)}); continuing without it.`);
    return NO_HOOKS;
  }
}

function validHooks(exported: Record<string, unknown>, modulePath: string): UserHooks {
  const hooks: Record<string, unknown> = {};
  const expect = (key: keyof UserHooks, isValid: (value: unknown) => boolean, kind: string): void => {
    const value = exported[key];
    if (value === undefined) return;
    if (isValid(value)) hooks[key] = value;
    else log.warn(`OTEL_LAMBDA_HOOKS_MODULE=${quoted(modulePath)}: ${key} should be ${kind}; it is ignored.`);
  };
  expect('spanProcessors', Array.isArray, 'an array of span processors');
  expect('instrumentations', Array.isArray, 'an array of instrumentation instances');
  expect('triggerExtractors', Array.isArray, 'an array of { name, matches(event), extract(event) }');
  expect('requestHook', (value) => typeof value === 'function', 'a function (span, { event, context })');
  expect('responseHook', (value) => typeof value === 'function', 'a function (span, { event, context, result, error })');
  return hooks as UserHooks;
}
