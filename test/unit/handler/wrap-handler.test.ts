import { ROOT_CONTEXT } from '@opentelemetry/api';
import { createHandlerWrapper } from '../../../src/handler/wrap-handler.ts';
import { Writable } from 'node:stream';
import type { ActiveInvocation, InvocationLifecycle } from '../../../src/invocation/lifecycle.ts';
import type { RuntimeResult } from '../../../src/runtime-client/runtime-result.ts';

type AnyHandler = (...args: unknown[]) => unknown;

const STREAMING_SYMBOL = Symbol.for('aws.lambda.runtime.handler.streaming');

/** A lifecycle that records what happened, in order, and can be told to fail to begin. */
function recordingLifecycle(options: { failToBegin?: boolean } = {}) {
  const journal: string[] = [];
  const outcomes: RuntimeResult[] = [];
  const lifecycle: InvocationLifecycle = {
    recordException: () => undefined,
    abortAll: () => undefined,
    resultPosted: () => undefined,
    pendingFlushes: () => new Set(),
    begin(_event, context): ActiveInvocation | undefined {
      if (options.failToBegin === true) return undefined;
      journal.push(`begin:${String((context as { awsRequestId?: string } | undefined)?.awsRequestId)}`);
      return {
        otelContext: ROOT_CONTEXT,
        streamEnded(result) {
          outcomes.push(result);
          journal.push(`stream ended:${result.kind}`);
        },
      };
    },
  };
  return { lifecycle, journal, outcomes };
}

const lambdaContext = (): Record<string, unknown> => ({ awsRequestId: 'r-1', getRemainingTimeInMillis: () => 3000 });

/** A Proxy that records every trap the wrapper (or anyone) runs on it. */
function watchedValue(traps: string[]): object {
  const handler: ProxyHandler<object> = {};
  for (const trap of ['get', 'has', 'ownKeys', 'getOwnPropertyDescriptor', 'getPrototypeOf', 'set', 'defineProperty', 'apply'] as const) {
    (handler as Record<string, unknown>)[trap] = (...args: unknown[]) => {
      traps.push(trap);
      return (Reflect[trap] as (...a: unknown[]) => unknown)(...args);
    };
  }
  return new Proxy({}, handler);
}

function streaming<T extends Function>(handler: T): T {
  return Object.assign(handler, { [STREAMING_SYMBOL]: 'response' });
}

describe('createHandlerWrapper', () => {
  it('keeps the length, name and streaming symbols the runtime inspects', () => {
    async function myHandler(_event: unknown, _stream: unknown, _context: unknown): Promise<void> {}
    streaming(myHandler);

    const wrapped = createHandlerWrapper(recordingLifecycle().lifecycle)(myHandler) as unknown as Record<symbol, unknown> & Function;

    expect(wrapped.length).toBe(3);
    expect(wrapped.name).toBe('myHandler');
    expect(wrapped[STREAMING_SYMBOL]).toBe('response');
  });

  it('is idempotent', () => {
    const wrap = createHandlerWrapper(recordingLifecycle().lifecycle);
    const handler = async (): Promise<number> => 1;

    expect(wrap(wrap(handler))).toBe(wrap(handler));
  });

  describe('for a buffered handler', () => {
    it('returns the very value the handler returned, without reading anything of it', () => {
      // Prepare
      const { lifecycle, journal } = recordingLifecycle();
      const traps: string[] = [];
      const value = watchedValue(traps);
      const wrapped = createHandlerWrapper(lifecycle)(() => value) as AnyHandler;

      // Act
      const returned = wrapped({}, lambdaContext());

      // Assess
      expect(returned).toBe(value);
      expect(traps).toEqual([]);
      expect(journal).toEqual(['begin:r-1']);
    });

    it('returns the handler’s own promise, so the runtime settles it exactly as without the layer', async () => {
      const { lifecycle } = recordingLifecycle();
      const promise = Promise.reject(new TypeError('bad input'));
      const wrapped = createHandlerWrapper(lifecycle)(() => promise) as AnyHandler;

      const returned = wrapped({}, lambdaContext());

      expect(returned).toBe(promise);
      await expect(returned).rejects.toThrow('bad input');
    });

    it('throws the very value the handler threw, synchronously', () => {
      const { lifecycle } = recordingLifecycle();
      const thrown = Symbol('thrown');
      const wrapped = createHandlerWrapper(lifecycle)(() => {
        throw thrown;
      }) as AnyHandler;

      let caught: unknown;
      try {
        wrapped({}, lambdaContext());
      } catch (error) {
        caught = error;
      }

      expect(caught).toBe(thrown);
    });

    it('hands the handler the runtime’s own callback and context, completions included', () => {
      // Prepare
      const { lifecycle } = recordingLifecycle();
      const context = { ...lambdaContext(), succeed: () => undefined, fail: () => undefined, done: () => undefined };
      const completions = { succeed: context.succeed, fail: context.fail, done: context.done };
      const callback = (): void => undefined;
      let seen: unknown[] = [];
      const wrapped = createHandlerWrapper(lifecycle)((...args: unknown[]) => {
        seen = args;
      }) as AnyHandler;

      // Act
      wrapped('event', context, callback);

      // Assess
      expect(seen[0]).toBe('event');
      expect(seen[1]).toBe(context);
      expect(seen[2]).toBe(callback);
      expect({ succeed: context.succeed, fail: context.fail, done: context.done }).toEqual(completions);
    });

    it('runs the handler untouched when tracing the invocation failed', async () => {
      const { lifecycle } = recordingLifecycle({ failToBegin: true });
      const handler = jest.fn(async () => 'plain');

      const result = await (createHandlerWrapper(lifecycle)(handler) as AnyHandler)('event', 'context');

      expect(result).toBe('plain');
      expect(handler).toHaveBeenCalledWith('event', 'context');
    });
  });

  describe('for a streaming handler', () => {
    /** The runtime's response stream: an object of bound methods (see aws-lambda-ric's ResponseStream). */
    function responseStream(): { facade: Record<string, unknown>; inner: Writable } {
      const inner = new Writable({ write: (_chunk, _encoding, done) => done() });
      return { facade: { once: inner.once.bind(inner), end: inner.end.bind(inner), write: inner.write.bind(inner) }, inner };
    }

    it('takes the context from the third argument and returns what the handler returned, untouched', () => {
      // Prepare
      const { lifecycle, journal } = recordingLifecycle();
      const traps: string[] = [];
      const value = watchedValue(traps);
      const wrapped = createHandlerWrapper(lifecycle)(streaming(() => value)) as AnyHandler;

      // Act
      const returned = wrapped({}, responseStream().facade, lambdaContext());

      // Assess
      expect(returned).toBe(value);
      expect(traps).toEqual([]);
      expect(journal).toEqual(['begin:r-1']);
    });

    it('ends the invocation when the response stream has been sent, not when the handler returns', async () => {
      // Prepare
      const { lifecycle, journal, outcomes } = recordingLifecycle();
      const stream = responseStream();
      const wrapped = createHandlerWrapper(lifecycle)(
        streaming(async () => {
          journal.push('handler returned');
        }),
      ) as AnyHandler;

      // Act
      await wrapped({}, stream.facade, lambdaContext());
      await new Promise<void>((resolve) => stream.inner.end('last', resolve));

      // Assess
      expect(journal).toEqual(['begin:r-1', 'handler returned', 'stream ended:streamed']);
      expect(outcomes).toEqual([{ kind: 'streamed' }]);
    });
  });
});
