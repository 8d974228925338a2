import { callerSiteOf, type CallerSite } from './caller-site.ts';
import type { ApiCopy } from './identify-api-copy.ts';

/**
 * The global that every 1.x copy of `@opentelemetry/api` reads its registered tracer provider,
 * context manager, propagator, diag logger and meter provider from
 * (`internal/global-utils.ts` in opentelemetry-js/api, unchanged from 1.0 to 1.10).
 */
export const API_1_KEY = Symbol.for('opentelemetry.js.api.1');

/**
 * The version the registry reports to every read by a function's copy that is not a
 * registration. A copy accepts the registry when its major matches and the registry's minor is
 * at least its own (`isCompatible` in the API's `internal/semver.ts`), so a minor above any
 * release makes every 1.x copy, including those published after the layer was built, use what
 * the layer registered. The API reads the version for nothing else.
 */
export const ANY_1X_VERSION = '1.999.0';

export interface RegistryOptions {
  /** The version of the layer's own bundled API copy. */
  readonly ownVersion: string;
  /** The exact version of the function's copy whose code is at `site`. */
  readonly identify: (site: CallerSite) => ApiCopy | undefined;
  /** Told once per registering call site of a function's copy, with its version if identified. */
  readonly onForeignRegistration?: (copy: ApiCopy | undefined, site: CallerSite | undefined) => void;
}

type Registry = Record<string, unknown>;

/**
 * Shares one API registry between the layer's own API copy, which finds it on `layerGlobal`,
 * and every 1.x copy the function ships, which find it on `target` (globalThis).
 *
 * The layer's view holds the layer's own version and whatever the layer registers. The
 * function's view inherits from it, so the function's copies get the layer's tracer provider,
 * context manager and propagator, and what they register themselves (a diag logger, a meter
 * provider) lands on their view alone, as it would without the layer.
 *
 * The function's view reports ANY_1X_VERSION, except to a registration: `registerGlobal` needs
 * the registry's version to equal its own exactly, and it announces itself by writing the
 * registry back to the global (`_global[key] = _global[key] ?? {…}`) just before it reads the
 * version, which `getGlobal` never does. That write arms the next version read, which then
 * identifies the registering copy from its call site and answers its exact version; any read
 * of the global in between (another copy's `getGlobal`) disarms it. Nothing else is identified:
 * copies up to 1.9 read the version on every API call.
 *
 * A layer copy that does not use `layerGlobal` (the layer's sources run unbundled, as in the
 * unit tests' harness) finds the function's view on `target` and is served like any other copy.
 *
 * A registry some code created on `target` before the layer started is adopted with what it
 * holds. A different object assigned to the global later replaces the function's view, as a
 * plain property would be replaced.
 */
export function installApiRegistry(target: object, layerGlobal: object, options: RegistryOptions): void {
  const existing = Reflect.get(target, API_1_KEY) as unknown;
  if (isOurs(existing)) return;
  const layerView: Registry = { version: options.ownVersion };
  if (typeof existing === 'object' && existing !== null) {
    for (const [type, member] of Object.entries(existing)) if (type !== 'version') layerView[type] = member;
  }
  if (layerGlobal !== target) Reflect.set(layerGlobal, API_1_KEY, layerView);

  const registry = Object.create(layerView) as Registry;
  Object.defineProperty(registry, 'version', { get: readVersion, enumerable: true, configurable: false });
  Object.defineProperty(registry, OURS, { value: true });

  const identified = new Map<string, string | undefined>();
  let registering = false;

  function readVersion(): string {
    if (!registering) return ANY_1X_VERSION;
    registering = false;
    return registrarVersion() ?? ANY_1X_VERSION;
  }

  function registrarVersion(): string | undefined {
    const site = callerSiteOf(readVersion);
    // Code evaluated from a string has no file: all such call sites count as one.
    const key = site === undefined ? '' : `${site.fileName}:${site.line}:${site.column}`;
    if (!identified.has(key)) {
      const copy = site === undefined ? undefined : options.identify(site);
      options.onForeignRegistration?.(copy, site);
      identified.set(key, copy?.version);
    }
    return identified.get(key);
  }

  Object.defineProperty(target, API_1_KEY, {
    configurable: true,
    enumerable: true,
    get(): Registry {
      registering = false;
      return registry;
    },
    set(value: unknown): void {
      if (value === registry) {
        registering = true;
        return;
      }
      Object.defineProperty(target, API_1_KEY, { value, writable: true, enumerable: true, configurable: true });
    },
  });
}

const OURS = Symbol('otel-lambda.api-registry');

function isOurs(value: unknown): boolean {
  return typeof value === 'object' && value !== null && OURS in value;
}
