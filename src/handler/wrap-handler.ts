import { context as otelContext } from '@opentelemetry/api';
import type { CompletionHint } from '../flush/flush-strategy.ts';
import type { InvocationLifecycle, Outcome } from '../invocation/lifecycle.ts';

const STREAMING_SYMBOL = Symbol.for('aws.lambda.runtime.handler.streaming');
const STREAM_RESPONSE = 'response';
// Properties every function has of its own; they are set on the wrapper explicitly.
const INTRINSIC_KEYS = new Set<PropertyKey>(['length', 'name', 'prototype', 'arguments', 'caller']);
const CONTEXT_COMPLETIONS = ['succeed', 'fail', 'done'] as const;

type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;
type Completion = (outcome: Outcome, complete: () => void, hint?: CompletionHint) => void;

/**
 * Returns a function that wraps a handler so that each invocation is traced and flushed
 * before the runtime sees its result, while keeping the handler's shape: the runtime decides
 * how to call a handler from its `length` (Node 24's client rejects three-argument handlers,
 * Node 22's passes a callback) and its streaming symbols, so both are copied unchanged, and the
 * wrapper returns a promise exactly when the handler does.
 */
export function createHandlerWrapper(lifecycle: InvocationLifecycle): (handler: Function) => Function {
  const wrapped = new WeakMap<Function, Function>();
  return (handler) => {
    const existing = wrapped.get(handler);
    if (existing !== undefined) return existing;
    const original = handler as AnyFunction;
    const wrapper = isStreaming(handler) ? wrapStreaming(original, lifecycle) : wrapBuffered(original, lifecycle);
    copyShape(handler, wrapper);
    wrapped.set(handler, wrapper);
    wrapped.set(wrapper, wrapper);
    return wrapper;
  };
}

function wrapBuffered(handler: AnyFunction, lifecycle: InvocationLifecycle): AnyFunction {
  return function tracedHandler(this: unknown, ...args: unknown[]): unknown {
    const [event, lambdaContext, callback] = args;
    const invocation = lifecycle.begin(event, lambdaContext);
    if (invocation === undefined) return handler.apply(this, args);

    // Every way a handler can complete goes through one finish: the runtime hears of the
    // completion only after the invocation's spans are flushed (or the flush budget is spent).
    const completeAfterFlush: Completion = (outcome, complete, hint) => {
      void invocation.finish(outcome, hint).then(complete);
    };
    if (typeof callback === 'function') {
      args[2] = (error: unknown, result: unknown): void =>
        completeAfterFlush(outcomeOf(error, result), () => (callback as AnyFunction)(error, result), {
          // As the runtime does: an error is posted at once; a result waits for an empty event
          // loop unless the flag, read when the callback is called, says otherwise.
          responseAfterEmptyEventLoop:
            (error === undefined || error === null) &&
            (lambdaContext as { callbackWaitsForEmptyEventLoop?: unknown } | undefined)?.callbackWaitsForEmptyEventLoop !== false,
        });
    }
    interceptContextCompletions(lambdaContext, completeAfterFlush);

    let returned: unknown;
    try {
      returned = otelContext.with(invocation.otelContext, () => handler.apply(this, args));
    } catch (error) {
      // The v3 runtime client treats a thrown null/undefined as a successful callback(undefined);
      // only a synchronous throw reproduces that, so it is not deferred.
      if (error === undefined || error === null) {
        void invocation.finish({ status: 'ok', result: undefined });
        throw error;
      }
      // Both runtime clients report a synchronous throw and a rejection identically, so the
      // error can wait for the flush.
      return invocation.finish({ status: 'error', error }).then(() => Promise.reject(error));
    }
    if (!isThenable(returned)) return returned;
    return Promise.resolve(returned).then(
      (result) => invocation.finish({ status: 'ok', result }).then(() => result),
      (error: unknown) => invocation.finish({ status: 'error', error }).then(() => Promise.reject(error)),
    );
  };
}

function wrapStreaming(handler: AnyFunction, lifecycle: InvocationLifecycle): AnyFunction {
  return function tracedStreamingHandler(this: unknown, ...args: unknown[]): unknown {
    const [event, responseStream, lambdaContext] = args;
    const invocation = lifecycle.begin(event, lambdaContext);
    if (invocation === undefined) return handler.apply(this, args);

    let returned: unknown;
    try {
      returned = otelContext.with(invocation.otelContext, () => handler.apply(this, args));
    } catch (error) {
      return invocation.finish({ status: 'error', error }).then(() => Promise.reject(error));
    }
    if (!isThenable(returned)) {
      // The runtime rejects non-async streaming handlers; it does so without us.
      void invocation.finish({ status: 'ok', result: returned });
      return returned;
    }
    return Promise.resolve(returned).then(
      async (result) => {
        // The invocation lasts until the response stream ends, which may be after the handler's
        // promise settles; chunks are never held back, only the span's end waits.
        await streamEnded(responseStream);
        await invocation.finish({ status: 'ok', result });
        return result;
      },
      (error: unknown) => invocation.finish({ status: 'error', error }).then(() => Promise.reject(error)),
    );
  };
}

function streamEnded(stream: unknown): Promise<void> {
  const writable = stream as { writableFinished?: boolean; destroyed?: boolean; once?: (event: string, listener: () => void) => void };
  if (typeof writable.once !== 'function' || writable.writableFinished === true || writable.destroyed === true) {
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const done = (): void => resolve();
    writable.once?.('finish', done);
    writable.once?.('close', done);
    writable.once?.('error', done);
  });
}

/** `context.succeed/fail/done` (Node ≤ 22) complete the invocation without the callback. */
function interceptContextCompletions(lambdaContext: unknown, completeAfterFlush: Completion): void {
  if (typeof lambdaContext !== 'object' || lambdaContext === null) return;
  const target = lambdaContext as Record<string, unknown>;
  for (const name of CONTEXT_COMPLETIONS) {
    const completion = target[name];
    if (typeof completion !== 'function') continue;
    target[name] = (...completionArgs: unknown[]): void =>
      completeAfterFlush(outcomeOfCompletion(name, completionArgs), () => (completion as AnyFunction).apply(target, completionArgs));
  }
}

function outcomeOfCompletion(name: (typeof CONTEXT_COMPLETIONS)[number], completionArgs: unknown[]): Outcome {
  const [first, second] = completionArgs;
  if (name === 'succeed') return { status: 'ok', result: first };
  if (name === 'fail') return { status: 'error', error: first ?? 'handled' };
  return outcomeOf(first, second);
}

function outcomeOf(error: unknown, result: unknown): Outcome {
  return error === undefined || error === null ? { status: 'ok', result } : { status: 'error', error };
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';
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
