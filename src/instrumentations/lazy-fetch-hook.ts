/**
 * Calls `onFirstFetch` just before the first call of the global fetch (undici's instrumentation
 * listens on diagnostics channels, which exist before any request), then puts the original
 * fetch back. A function that never fetches never loads the instrumentation.
 */
export function watchFirstFetch(onFirstFetch: () => void): void {
  const scope = globalThis as { fetch?: (...args: unknown[]) => unknown };
  const original = scope.fetch;
  if (typeof original !== 'function') return;
  const fetch = function fetch(this: unknown, ...args: unknown[]): unknown {
    if (scope.fetch === fetch) scope.fetch = original;
    onFirstFetch();
    return original.apply(this, args);
  };
  scope.fetch = fetch;
}
