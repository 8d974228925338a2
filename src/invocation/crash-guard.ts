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
    if (!willCrash(origin)) return;
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
function rethrowUnlocated(error: unknown): never {
  // A function of its own, so the marker is on the throw's line even in a minified bundle.
  const rethrow = new Function('error', 'throw error; // node-do-not-add-exception-line') as (value: unknown) => never;
  return rethrow(error);
}
