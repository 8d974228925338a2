import { nodeRequire } from './node-require.ts';

/** What the layer can say about a thrown value without running any of the function's code. */
export interface ThrownValue {
  /** An Error's `name`; anything else's JavaScript type, as the runtime clients report it (`string`, `object`). */
  readonly type: string;
  readonly message: string | undefined;
  readonly stack: string | undefined;
  /** An Error (or an object whose prototype chain holds Error.prototype). */
  readonly isError: boolean;
}

type UtilTypes = typeof import('node:util').types;
let utilTypes: UtilTypes | undefined;
// Lazily: the layer reads a thrown value only when something failed.
const typesOf = (): UtilTypes => (utilTypes ??= (nodeRequire('node:util') as typeof import('node:util')).types);

// V8 gives every Error (and every object passed to Error.captureStackTrace) one and the same
// native `stack` accessor; any other accessor is the function's own code.
const NATIVE_STACK_GETTER = Object.getOwnPropertyDescriptor(new Error(), 'stack')?.get;

/**
 * Reads a thrown (or rejected) value without calling into it: no getters, no `toString`, no
 * Proxy traps, nothing that could throw or have a side effect the bare runtime would not have.
 * Only data properties are read (own or inherited), and a Proxy is never looked into. The one
 * accessor called, and only `withStack`, is V8's native `stack`, which the runtime client reads
 * as well when it reports the error (V8 formats a trace once and caches it), and only when
 * formatting it reads no accessor.
 */
export function readThrown(value: unknown, withStack = false): ThrownValue {
  try {
    if ((typeof value !== 'object' && typeof value !== 'function') || value === null) {
      // String() of a primitive runs no user code (a Symbol gives "Symbol(description)").
      return { type: typeof value, message: String(value), stack: undefined, isError: false };
    }
    const types = typesOf();
    if (types.isProxy(value)) return { type: typeof value, message: undefined, stack: undefined, isError: false };
    const isError = types.isNativeError(value) || inheritsFrom(value, Error.prototype, types);
    const message = dataProperty(value, 'message', types);
    const name = dataProperty(value, 'name', types);
    // V8 writes a trace's first line ("Name: message") when the stack is first read, reading
    // `name` and `message` as any code would: only when neither is an accessor (or behind a
    // Proxy) does reading the stack run none of the value's code.
    const stackIsSafe = isError && withStack && name !== UNREADABLE && message !== UNREADABLE;
    return {
      type: isError ? (typeof name === 'string' && name !== '' ? name : 'Error') : typeof value,
      message: typeof message === 'string' ? message : undefined,
      stack: stackIsSafe ? nativeStack(value) : undefined,
      isError,
    };
  } catch {
    return { type: typeof value, message: undefined, stack: undefined, isError: false };
  }
}

/** One line for the layer's own log: `Type: message`, or what can be said safely. */
export function describeThrown(value: unknown): string {
  const thrown = readThrown(value);
  if (typeof value !== 'object' && typeof value !== 'function') return thrown.message ?? thrown.type;
  return thrown.message === undefined ? thrown.type : `${thrown.type}: ${thrown.message}`;
}

function inheritsFrom(value: object, prototype: object, types: UtilTypes): boolean {
  let current: object | null = value;
  while (current !== null && !types.isProxy(current)) {
    current = Object.getPrototypeOf(current) as object | null;
    if (current === prototype) return true;
  }
  return false;
}

/** Marks a property that only code could tell: an accessor, or a Proxy on the way to it. */
const UNREADABLE = Symbol('unreadable');

/** A data property's value, own or inherited (undefined if absent); UNREADABLE otherwise. */
function dataProperty(value: object, key: string, types: UtilTypes): unknown {
  let current: object | null = value;
  while (current !== null) {
    if (types.isProxy(current)) return UNREADABLE;
    const descriptor = Object.getOwnPropertyDescriptor(current, key);
    if (descriptor !== undefined) return 'value' in descriptor ? descriptor.value : UNREADABLE;
    current = Object.getPrototypeOf(current) as object | null;
  }
  return undefined;
}

function nativeStack(value: object): string | undefined {
  try {
    const descriptor = Object.getOwnPropertyDescriptor(value, 'stack');
    if (descriptor === undefined) return undefined;
    const { get } = descriptor;
    // Formatting may run a user's Error.prepareStackTrace, which may throw: then there is no stack.
    const stack: unknown = 'value' in descriptor ? descriptor.value : get !== undefined && get === NATIVE_STACK_GETTER ? get.call(value) : undefined;
    return typeof stack === 'string' ? stack : undefined;
  } catch {
    return undefined;
  }
}
