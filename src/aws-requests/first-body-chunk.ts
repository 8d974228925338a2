import type { ClientRequest } from 'node:http';

type BodyMethod = 'write' | 'end';

/**
 * Calls `observe` with the first chunk the request's body is written with (`write(chunk)` or
 * `end(chunk)`), then takes itself out. The chunk is seen as it passes, never copied, held or
 * changed; every call reaches the real method with the same receiver and arguments and returns
 * its result. `observe` must not throw (it runs inside the caller's write).
 */
export function onFirstBodyChunk(request: ClientRequest, observe: (chunk: unknown) => void): void {
  let seen = false;
  const restorers: (() => void)[] = [];
  const restore = (): void => {
    for (const undo of restorers) undo();
  };
  const watch = (method: BodyMethod): ((...args: unknown[]) => unknown) => {
    const original = request[method] as (...args: unknown[]) => unknown;
    const wasOwn = Object.hasOwn(request, method);
    const watching = function (this: ClientRequest, ...args: unknown[]): unknown {
      if (!seen) {
        seen = true;
        restore();
        const [chunk] = args;
        if (chunk !== undefined && chunk !== null && typeof chunk !== 'function') observe(chunk);
      }
      return Reflect.apply(original, this, args);
    };
    restorers.push(() => {
      // Only our own wrapper is taken away: someone who wrapped after us keeps theirs.
      if ((request[method] as unknown) !== watching) return;
      if (wasOwn) (request as unknown as Record<BodyMethod, unknown>)[method] = original;
      else delete (request as unknown as Partial<Record<BodyMethod, unknown>>)[method];
    });
    return watching;
  };
  const write = watch('write');
  const end = watch('end');
  (request as unknown as Record<BodyMethod, unknown>).write = write;
  (request as unknown as Record<BodyMethod, unknown>).end = end;
}
