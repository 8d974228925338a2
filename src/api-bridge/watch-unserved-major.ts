import { callerSiteOf, type CallerSite } from './caller-site.ts';

/**
 * Calls `onFirstAccess` once, with the call site, when code first reads or writes the global of
 * `@opentelemetry/api` major `major` (`Symbol.for('opentelemetry.js.api.<major>')`), i.e. when a
 * copy of that major starts using its API. The accessor then steps aside before the access
 * completes: the property is deleted, and a write lands as a plain property would, so the copy
 * sees exactly what it would see without the layer.
 */
export function watchUnservedMajor(target: object, major: number, onFirstAccess: (site: CallerSite | undefined) => void): void {
  const key = Symbol.for(`opentelemetry.js.api.${major}`);
  if (Object.getOwnPropertyDescriptor(target, key) !== undefined) return;
  const stepAside = (accessor: (...args: never[]) => unknown): void => {
    Reflect.deleteProperty(target, key);
    try {
      onFirstAccess(callerSiteOf(accessor));
    } catch {
      // Telling the user is best effort; the access itself must go on as without the layer.
    }
  };
  Object.defineProperty(target, key, {
    configurable: true,
    enumerable: false,
    get: function firstRead(): undefined {
      stepAside(firstRead);
      return undefined;
    },
    set: function firstWrite(value: unknown): void {
      stepAside(firstWrite);
      Reflect.set(target, key, value);
    },
  });
}
