import type { InvocationLifecycle } from './lifecycle.ts';

/**
 * Keeps the spans of invocations that end with the process: an uncaught exception, an
 * unhandled rejection or process.exit() in the middle of an invocation.
 *
 * - Every uncaught exception is recorded on the running invocations' spans
 *   ('uncaughtExceptionMonitor' observes without changing what Node or the runtime does), and
 *   so is every unhandled rejection that someone else handles (ric v3 does).
 * - process.exit() while invocations run (ric v3 exits so after reporting an uncaught
 *   exception) first ends them as failed and flushes, bounded by the flush budget, then exits
 *   with the same code.
 * - A crash nobody handles (ric v4 registers no listener, so Node exits at once) is held back
 *   just as long as the flush takes, then re-raised unchanged so Node crashes exactly as it
 *   would have, with the same exit code.
 */
export function installCrashGuard(lifecycle: InvocationLifecycle): void {
  const originalExit = process.exit;
  process.exit = function exitAfterFlush(code?: number | string | null): never {
    const flushing = lifecycle.abortAll('process exited during the invocation');
    if (flushing === undefined) return originalExit.call(process, code);
    void flushing.then(() => originalExit.call(process, code));
    return undefined as never;
  } as typeof process.exit;

  observeHandledRejections(lifecycle);
  process.on('uncaughtExceptionMonitor', (error, origin) => {
    lifecycle.recordException(error);
    if (!willCrash(origin)) {
      holdFailingHandler(lifecycle, error);
      return;
    }
    const flushing = lifecycle.abortAll(`uncaught ${origin === 'unhandledRejection' ? 'rejection' : 'exception'}`);
    if (flushing === undefined) return;
    // Handling the exception for the length of the flush keeps the process alive; then the same
    // value is thrown again from a fresh tick, with no handler left, and Node crashes as before
    // (the invocations are ended by then, so this guard lets it through).
    const holdCrash = (): void => {
      process.removeListener('uncaughtException', holdCrash);
      void flushing.then(() => setImmediate(() => rethrowUnlocated(error)));
    };
    process.on('uncaughtException', holdCrash);
  });
}

/**
 * The exception has a handler (ric v3 has one), but a handler that throws makes Node exit at once
 * with status 7 (kExceptionInFatalExceptionHandler, TryCatchScope in Node's src/node_errors.cc),
 * with no 'exit' event, and the invocation's span would be lost: ric v3's handler throws so when
 * its error logger cannot turn the value into a string (an array holding a Symbol). Node emits
 * 'uncaughtException' right after this monitor, so the next process.emit is armed, once: if a
 * handler throws, the failure is held for the flush and then raised again inside a handler, so
 * Node reports it and exits 7 exactly as it would have. A handler that returns changes nothing.
 */
function holdFailingHandler(lifecycle: InvocationLifecycle, error: unknown): void {
  const own = Object.getOwnPropertyDescriptor(process, 'emit');
  const emit = process.emit;
  const disarm = (): void => {
    if (own !== undefined) Object.defineProperty(process, 'emit', own);
    else delete (process as { emit?: unknown }).emit;
  };
  process.emit = function emitHoldingHandlerFailure(this: NodeJS.Process, event: string | symbol, ...args: unknown[]): boolean {
    disarm();
    if (event !== 'uncaughtException' || args[0] !== error) return (emit as (...all: unknown[]) => boolean).call(this, event, ...args);
    try {
      return (emit as (...all: unknown[]) => boolean).call(this, event, ...args);
    } catch (handlerFailure) {
      const flushing = lifecycle.abortAll('uncaught exception');
      if (flushing === undefined) throw handlerFailure;
      void flushing.then(() => setImmediate(() => failInHandler(handlerFailure)));
      return true;
    }
  } as typeof process.emit;
}

/**
 * Makes Node report `failure` as thrown by an exception handler, and exit 7: the next uncaught
 * exception meets only a handler that throws it (no monitor sees that second exception: the
 * process is ending as it would have, and nobody would have seen one).
 */
function failInHandler(failure: unknown): never {
  process.removeAllListeners('uncaughtExceptionMonitor');
  process.removeAllListeners('uncaughtException');
  process.on('uncaughtException', () => rethrowUnlocated(failure));
  return rethrowUnlocated(failure);
}

/**
 * Listening to 'unhandledRejection' turns Node's crash into "handled", so the layer listens only
 * once someone else does (the runtime client, or the user); otherwise the crash reaches
 * 'uncaughtExceptionMonitor' above.
 */
function observeHandledRejections(lifecycle: InvocationLifecycle): void {
  let observing = false;
  const onNewListener = (event: string | symbol): void => {
    if (event !== 'unhandledRejection' || observing) return;
    observing = true;
    process.removeListener('newListener', onNewListener);
    process.on('unhandledRejection', (reason) => lifecycle.recordException(reason));
  };
  process.on('newListener', onNewListener);
}

function willCrash(origin: string): boolean {
  if (process.listenerCount('uncaughtException') > 0) return false;
  return origin !== 'unhandledRejection' || process.listenerCount('unhandledRejection') === 0;
}

/**
 * Throws `error` again so that Node crashes with it. Node prints a crash's source line and a
 * caret under the throw that crashed it; for this throw that would be a line of the layer's
 * minified bundle, so the one line this throw is on carries Node's marker for "print no source
 * line" (GetErrorSource in Node's src/node_errors.cc). The original throw's line cannot be
 * printed any more: Node knows it only while that first throw is being reported.
 */
export function rethrowUnlocated(error: unknown): never {
  // A function of its own, so the marker is on the throw's line even in a minified bundle.
  let rethrow: (value: unknown) => never;
  try {
    rethrow = new Function('error', 'throw error; // node-do-not-add-exception-line') as (value: unknown) => never;
  } catch {
    // --disallow-code-generation-from-strings: the same error, with a line of the bundle printed.
    throw error;
  }
  return rethrow(error);
}
