import { describeError, log } from '../log.ts';
import type { RuntimeResult } from './runtime-result.ts';

/**
 * The runtime client's native Runtime API client (`rapid-client.node` in aws-lambda-ric v3 and
 * v4, and in Lambda's managed Node.js runtimes): `done` and `error` post an invocation's result
 * synchronously, `next` asks for the next event.
 */
export interface NativeRuntimeClient {
  next(...args: unknown[]): unknown;
  done(...args: unknown[]): unknown;
  error(...args: unknown[]): unknown;
}

/** What the gate tells of the runtime's traffic, and what it waits for. */
export interface ResultObserver {
  /**
   * Hears each result the runtime posts. Returns undefined to let the post go at once, or a
   * promise the post waits for (the invocation's flush); it must never reject.
   */
  resultPosted(requestId: string, result: RuntimeResult): Promise<void> | undefined;
  /** Flushes under way, which the runtime's request for its next event waits for (never reject). */
  pendingFlushes(): ReadonlySet<Promise<void>>;
}

export interface GateOptions {
  /**
   * Whether a post may be held. Only when the runtime asks for its next event through the same
   * native client: the post must reach Lambda before that request does.
   */
  readonly canHold: boolean;
}

/**
 * Returns the client the runtime gets instead of the native one. The runtime serializes the
 * result itself, in the function's own call stack and with its own error handling, exactly as
 * without the layer; the layer learns the verdict from what reaches the wire, so it never
 * serializes a result a second time nor calls the function's getters or toJSON again. A held
 * post keeps the runtime's next request waiting behind it, so Lambda sees the same order:
 * result, then next.
 */
export function gateNativeClient(native: NativeRuntimeClient, observer: ResultObserver, options: GateOptions): NativeRuntimeClient {
  const held = new Set<Promise<void>>();

  const post = (args: unknown[], expectedStrings: number, kind: RuntimeResult['kind'], send: () => unknown): unknown => {
    // What the native client would reject (not a string: JSON.stringify gives undefined for a
    // function or a Symbol) goes straight to it, so the runtime gets its very TypeError, at once.
    if (!leadingStrings(args, expectedStrings)) return send();
    const [encodedId, body] = args as [string, string];
    const hold = hear(observer, requestIdOf(encodedId), { kind, body });
    if (hold === undefined || !options.canHold) return send();
    const release = hold.then(() => {
      held.delete(release);
      sendSafely(send);
    });
    held.add(release);
    // The native functions return null once they have posted.
    return null;
  };

  return {
    next(...args) {
      // Held results go first (each is released as its flush settles, before this continues).
      const flushes = observer.pendingFlushes();
      if (flushes.size === 0 && held.size === 0) return native.next(...args);
      return Promise.all([...flushes, ...held]).then(() => native.next(...args));
    },
    done(...args) {
      return post(args, 2, 'response', () => native.done(...args));
    },
    error(...args) {
      return post(args, 3, 'error', () => native.error(...args));
    },
  };
}

/** Whether the first `count` arguments are strings (what the native client requires of them). */
function leadingStrings(args: readonly unknown[], count: number): boolean {
  for (let index = 0; index < count; index++) if (typeof args[index] !== 'string') return false;
  return true;
}

function hear(observer: ResultObserver, requestId: string, result: RuntimeResult): Promise<void> | undefined {
  try {
    return observer.resultPosted(requestId, result)?.catch(() => undefined);
  } catch (error) {
    log.error(`could not record an invocation's result (${describeError(error)}); it is posted unchanged.`);
    return undefined;
  }
}

function sendSafely(send: () => unknown): void {
  try {
    send();
  } catch (error) {
    log.error(`the runtime's result could not be posted after the flush (${describeError(error)}).`);
  }
}

/** The runtime client passes the request id URI-encoded. */
function requestIdOf(encoded: string): string {
  try {
    return decodeURIComponent(encoded);
  } catch {
    return encoded;
  }
}
