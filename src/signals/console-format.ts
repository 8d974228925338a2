import { formatWithOptions, inspect, types } from 'node:util';
import { readThrown } from '../read-thrown.ts';

/** Never runs the function's code: no util.inspect.custom, no getters, no Proxy traps, no toString. */
const NO_USER_CODE = { customInspect: false, getters: false, showProxy: true } as const;

/**
 * A console call's log record body: what util.format prints, except that objects are described
 * without running any of their code. The runtime's console already ran the function's inspect
 * hooks and toString once to print the line; running them again would be a side effect the bare
 * runtime does not have. Objects are described before formatting, so a `%s` gets their
 * description, not their toString(); an Error is its stack (V8's native one) or its type and
 * message. As in util.format, only a string first argument is a format string.
 */
export function formatWithoutUserCode(args: readonly unknown[]): string {
  if (typeof args[0] === 'string') return formatWithOptions(NO_USER_CODE, ...args.map(describeObject));
  return args.map((arg) => (typeof arg === 'string' ? arg : describe(arg))).join(' ');
}

function describeObject(arg: unknown): unknown {
  return (typeof arg === 'object' && arg !== null) || typeof arg === 'function' ? describe(arg) : arg;
}

function describe(arg: unknown): string {
  if (typeof arg === 'object' && arg !== null && !types.isProxy(arg) && types.isNativeError(arg)) {
    const thrown = readThrown(arg, true);
    return thrown.stack ?? (thrown.message === undefined ? thrown.type : `${thrown.type}: ${thrown.message}`);
  }
  return inspect(arg, NO_USER_CODE);
}
