import { ROOT_CONTEXT } from '@opentelemetry/api';
import { createHandlerWrapper } from '../../../src/handler/wrap-handler.ts';
import type { ActiveInvocation, InvocationLifecycle, Outcome } from '../../../src/invocation/lifecycle.ts';

type AnyHandler = (...args: unknown[]) => unknown;

/** A lifecycle that records what happened, in order, and can be told to fail to begin. */
function recordingLifecycle(options: { failToBegin?: boolean } = {}) {
  const journal: string[] = [];
  const outcomes: Outcome[] = [];
  const lifecycle: InvocationLifecycle = {
    recordException: () => undefined,
    abortAll: () => undefined,
    begin(): ActiveInvocation | undefined {
      if (options.failToBegin === true) return undefined;
      journal.push('begin');
      return {
        otelContext: ROOT_CONTEXT,
        finish(outcome) {
          outcomes.push(outcome);
          journal.push(`finish:${outcome.status}`);
          return Promise.resolve();
        },
      };
    },
  };
  return { lifecycle, journal, outcomes };
}

const lambdaContext = (): Record<string, unknown> => ({ awsRequestId: 'r-1', getRemainingTimeInMillis: () => 3000 });

describe('createHandlerWrapper', () => {
  it('keeps the length, name and streaming symbols the runtime inspects', () => {
    const streamingSymbol = Symbol.for('aws.lambda.runtime.handler.streaming');
    async function myHandler(_event: unknown, _stream: unknown, _context: unknown): Promise<void> {}
    Object.assign(myHandler, { [streamingSymbol]: 'response' });

    const wrapped = createHandlerWrapper(recordingLifecycle().lifecycle)(myHandler) as unknown as Record<symbol, unknown> & Function;

    expect(wrapped.length).toBe(3);
    expect(wrapped.name).toBe('myHandler');
    expect(wrapped[streamingSymbol]).toBe('response');
  });

  it('is idempotent', () => {
    const wrap = createHandlerWrapper(recordingLifecycle().lifecycle);
    const handler = async (): Promise<number> => 1;

    expect(wrap(wrap(handler))).toBe(wrap(handler));
  });

  it('returns the async result only after the invocation finished', async () => {
    const { lifecycle, journal } = recordingLifecycle();
    const wrapped = createHandlerWrapper(lifecycle)(async () => {
      journal.push('handler');
      return { ok: true };
    }) as AnyHandler;

    const result = await wrapped({}, lambdaContext());
    journal.push('returned');

    expect(result).toEqual({ ok: true });
    expect(journal).toEqual(['begin', 'handler', 'finish:ok', 'returned']);
  });

  it('rejects with the very same error after finishing', async () => {
    const { lifecycle, outcomes } = recordingLifecycle();
    const failure = new TypeError('bad input');
    const wrapped = createHandlerWrapper(lifecycle)(async () => {
      throw failure;
    }) as AnyHandler;

    await expect(wrapped({}, lambdaContext())).rejects.toBe(failure);
    expect(outcomes).toEqual([{ status: 'error', error: failure }]);
  });

  it('turns a synchronous throw into a rejection of the same value, after finishing', async () => {
    const { lifecycle, journal } = recordingLifecycle();
    const wrapped = createHandlerWrapper(lifecycle)(() => {
      throw 'plain string';
    }) as AnyHandler;

    await expect(wrapped({}, lambdaContext())).rejects.toBe('plain string');
    expect(journal).toEqual(['begin', 'finish:error']);
  });

  it('calls the runtime callback with the same arguments after finishing', async () => {
    const { lifecycle, journal } = recordingLifecycle();
    const wrapped = createHandlerWrapper(lifecycle)((_event: unknown, _context: unknown, callback: (e: unknown, r: unknown) => void) => {
      callback(null, 'done');
    }) as AnyHandler;

    const callbackArgs = await new Promise<unknown[]>((resolve) => {
      const returned = wrapped({}, lambdaContext(), (...args: unknown[]) => resolve(args));
      expect(returned).toBeUndefined();
    });

    expect(callbackArgs).toEqual([null, 'done']);
    expect(journal).toEqual(['begin', 'finish:ok']);
  });

  it('intercepts context.fail so the span records the error before the runtime hears of it', async () => {
    const { lifecycle, outcomes } = recordingLifecycle();
    const context = lambdaContext();
    const failed = new Promise<unknown>((resolve) => {
      context['fail'] = resolve;
    });
    const wrapped = createHandlerWrapper(lifecycle)((_event: unknown, ctx: { fail(error: unknown): void }) => {
      ctx.fail('nope');
    }) as AnyHandler;

    wrapped({}, context);

    await expect(failed).resolves.toBe('nope');
    expect(outcomes).toEqual([{ status: 'error', error: 'nope' }]);
  });

  it('runs the handler untouched when tracing the invocation failed', async () => {
    const { lifecycle } = recordingLifecycle({ failToBegin: true });
    const handler = jest.fn(async () => 'plain');

    const result = await (createHandlerWrapper(lifecycle)(handler) as AnyHandler)('event', 'context');

    expect(result).toBe('plain');
    expect(handler).toHaveBeenCalledWith('event', 'context');
  });
});
