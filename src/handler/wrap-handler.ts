import { context as otelContext } from '@opentelemetry/api';
import type { InvocationLifecycle } from '../invocation/lifecycle.ts';
import { watchResponseStream } from '../runtime-client/stream-result.ts';

const STREAMING_SYMBOL = Symbol.for('aws.lambda.runtime.handler.streaming');
const STREAM_RESPONSE = 'response';
// Properties every function has of its own; they are set on the wrapper explicitly.
const INTRINSIC_KEYS = new Set<PropertyKey>(['length', 'name', 'prototype', 'arguments', 'caller']);

type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;

/**
 * Returns a function that wraps a handler so that each invocation is traced, while keeping the
 * handler's shape: the runtime decides how to call a handler from its `length` (Node 24's client
 * rejects three-argument handlers, Node 22's passes a callback) and its streaming symbols, so
 * both are copied unchanged.
 */
export function createHandlerWrapper(lifecycle: InvocationLifecycle): (handler: Function) => Function {
  const wrapped = new WeakMap<Function, Function>();
  return (handler) => {
    const existing = wrapped.get(handler);
    if (existing !== undefined) return existing;
    const original = handler as AnyFunction;
    const wrapper = wrapHandler(original, lifecycle, isStreaming(handler));
    copyShape(handler, wrapper);
    wrapped.set(handler, wrapper);
    wrapped.set(wrapper, wrapper);
    return wrapper;
  };
}

/**
 * A handler runs exactly as without the layer: the same arguments (the runtime's own callback,
 * context and response stream; the context's succeed/fail/done stay the runtime's), the same
 * return value or throw, nothing read from it. The runtime completes the invocation as it always
 * does, in the handler's own call stack; the span ends with what the runtime sends Lambda, which
 * the layer hears (src/runtime-client/): a posted result, or the end of the response stream.
 */
function wrapHandler(handler: AnyFunction, lifecycle: InvocationLifecycle, streaming: boolean): AnyFunction {
  return function tracedHandler(this: unknown, ...args: unknown[]): unknown {
    // Buffered: (event, context, callback?); streaming: (event, responseStream, context).
    const invocation = lifecycle.begin(args[0], streaming ? args[2] : args[1]);
    if (invocation === undefined) return handler.apply(this, args);
    if (streaming) watchResponseStream(args[1], invocation.streamEnded);
    return otelContext.with(invocation.otelContext, () => handler.apply(this, args));
  };
}

function isStreaming(handler: Function): boolean {
  return (handler as unknown as Record<symbol, unknown>)[STREAMING_SYMBOL] === STREAM_RESPONSE;
}

function copyShape(original: Function, wrapper: Function): void {
  for (const key of Reflect.ownKeys(original)) {
    if (INTRINSIC_KEYS.has(key)) continue;
    const descriptor = Object.getOwnPropertyDescriptor(original, key);
    if (descriptor !== undefined) Object.defineProperty(wrapper, key, descriptor);
  }
  Object.defineProperty(wrapper, 'length', { value: original.length, configurable: true });
  Object.defineProperty(wrapper, 'name', { value: original.name, configurable: true });
}
