/** A promise with its settle functions outside (Promise.withResolvers is Node 22+, jest may run on 20). */
export interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (reason: unknown) => void;
  settled: () => boolean;
}

export function createDeferred<T>(): Deferred<T> {
  let done = false;
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = (v) => {
      done = true;
      res(v);
    };
    reject = (e) => {
      done = true;
      rej(e);
    };
  });
  // A deferred that nobody awaits must not crash the process when rejected.
  promise.catch(() => undefined);
  return { promise, resolve, reject, settled: () => done };
}
