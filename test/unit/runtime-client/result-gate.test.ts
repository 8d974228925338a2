import { gateNativeClient, type NativeRuntimeClient, type ResultObserver } from '../../../src/runtime-client/result-gate.ts';
import type { RuntimeResult } from '../../../src/runtime-client/runtime-result.ts';

/** The native client's contract (aws-lambda-ric's rapid-client.cc): string arguments, a TypeError otherwise, null once posted. */
function fakeNativeClient(journal: string[]): NativeRuntimeClient {
  const requireStrings = (args: unknown[], count: number): void => {
    if (args.length < count) throw new TypeError(`Wrong number of arguments, expected ${count}`);
    if (!args.slice(0, count).every((arg) => typeof arg === 'string')) throw new TypeError('Wrong arguments');
  };
  return {
    next: () => {
      journal.push('next');
      return Promise.resolve({ bodyJson: '{}', headers: {} });
    },
    done: (...args) => {
      requireStrings(args, 2);
      journal.push(`done ${String(args[0])} ${String(args[1])}`);
      return null;
    },
    error: (...args) => {
      requireStrings(args, 3);
      journal.push(`error ${String(args[0])}`);
      return null;
    },
  };
}

function observer(hold: (requestId: string, result: RuntimeResult) => Promise<void> | undefined, pending: Promise<void>[] = []): ResultObserver & { heard: Array<[string, RuntimeResult]> } {
  const heard: Array<[string, RuntimeResult]> = [];
  return {
    heard,
    resultPosted: (requestId, result) => {
      heard.push([requestId, result]);
      return hold(requestId, result);
    },
    pendingFlushes: () => new Set(pending),
  };
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

describe('gateNativeClient', () => {
  it('tells the observer each posted result, with the request id decoded and the runtime’s own body', () => {
    // Prepare
    const journal: string[] = [];
    const watching = observer(() => undefined);
    const gated = gateNativeClient(fakeNativeClient(journal), watching, { canHold: true });

    // Act
    gated.done(encodeURIComponent('id/1'), '{"ok":true}');
    gated.error('id-2', '{"errorType":"TypeError","errorMessage":"bad","trace":[]}', '');

    // Assess
    expect(watching.heard).toEqual([
      ['id/1', { kind: 'response', body: '{"ok":true}' }],
      ['id-2', { kind: 'error', body: '{"errorType":"TypeError","errorMessage":"bad","trace":[]}' }],
    ]);
    expect(journal).toEqual(['done id%2F1 {"ok":true}', 'error id-2']);
  });

  it('holds a post until its flush settles, and the next request behind it', async () => {
    // Prepare
    const journal: string[] = [];
    const flush = deferred();
    const gated = gateNativeClient(fakeNativeClient(journal), observer(() => flush.promise), { canHold: true });

    // Act
    const returned = gated.done('id-1', '"result"');
    const next = gated.next() as Promise<unknown>;
    await new Promise((resolve) => setImmediate(resolve));
    const beforeFlush = [...journal];
    flush.resolve();
    await next;

    // Assess
    expect(returned).toBeNull();
    expect(beforeFlush).toEqual([]);
    expect(journal).toEqual(['done id-1 "result"', 'next']);
  });

  it('lets the next request wait for flushes still under way (a stream’s, which posts nothing)', async () => {
    const journal: string[] = [];
    const flush = deferred();
    const gated = gateNativeClient(fakeNativeClient(journal), observer(() => undefined, [flush.promise]), { canHold: true });

    const next = gated.next() as Promise<unknown>;
    await new Promise((resolve) => setImmediate(resolve));
    const beforeFlush = [...journal];
    flush.resolve();
    await next;

    expect(beforeFlush).toEqual([]);
    expect(journal).toEqual(['next']);
  });

  it('passes what the native client would reject straight to it, so the runtime gets its TypeError at once', () => {
    // JSON.stringify gives undefined for a function or a Symbol, which the runtime then posts.
    const journal: string[] = [];
    const watching = observer(() => Promise.resolve());
    const gated = gateNativeClient(fakeNativeClient(journal), watching, { canHold: true });

    expect(() => gated.done('id-1', undefined)).toThrow(new TypeError('Wrong arguments'));
    expect(() => gated.error('id-1', '{}')).toThrow(new TypeError('Wrong number of arguments, expected 3'));
    expect(watching.heard).toEqual([]);
  });

  it('posts at once, still telling the observer, when it may not hold (the next request goes over HTTP)', () => {
    const journal: string[] = [];
    const watching = observer(() => new Promise<void>(() => undefined));
    const gated = gateNativeClient(fakeNativeClient(journal), watching, { canHold: false });

    gated.done('id-1', 'null');

    expect(journal).toEqual(['done id-1 null']);
    expect(watching.heard).toHaveLength(1);
  });

  it('posts unchanged, at once, when the observer throws', () => {
    const journal: string[] = [];
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const gated = gateNativeClient(
      fakeNativeClient(journal),
      observer(() => {
        throw new Error('observer broke');
      }),
      { canHold: true },
    );

    gated.done('id-1', '1');
    write.mockRestore();

    expect(journal).toEqual(['done id-1 1']);
  });
});
