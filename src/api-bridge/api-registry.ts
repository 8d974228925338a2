import { callerSiteOf, type CallerSite } from './caller-site.ts';

/**
 * The global that every 1.x copy of `@opentelemetry/api` reads its registered tracer provider,
 * context manager, propagator, diag logger and meter provider from
 * (`internal/global-utils.ts` in opentelemetry-js/api, unchanged from 1.0 to 1.10).
 */
export const API_1_KEY = Symbol.for('opentelemetry.js.api.1');

/**
 * The version the registry reports to every read that is not a registration. A copy accepts
 * the registry when its major matches and the registry's minor is at least its own
 * (`isCompatible` in the API's `internal/semver.ts`), so a minor above any release makes every
 * 1.x copy, including those published after the layer was built, use what the layer
 * registered. The API reads the version for nothing else.
 */
export const ANY_1X_VERSION = '1.999.0';

export interface RegistryOptions {
  /** The version of the layer's own bundled API copy. */
  readonly ownVersion: string;
  /** Whether a file is the layer's own code (its API copy included). */
  readonly isOwnFile: (fileName: string) => boolean;
  /** The exact version of the foreign copy whose code is at `site`. */
  readonly identify: (site: CallerSite) => { readonly version: string; readonly location: string } | undefined;
  /** Told about each registration by a foreign copy, with its version if identified. */
  readonly onForeignRegistration?: (copy: { readonly version: string; readonly location: string } | undefined) => void;
}

type Registry = Record<string, unknown>;

/**
 * Puts the API registry on `target` (globalThis) for every 1.x copy of the API to share.
 *
 * `registerGlobal` needs the registry's version to equal its own exactly, and it announces
 * itself: it writes the registry back to the global (`_global[key] = _global[key] ?? {…}`)
 * just before it reads the version, which `getGlobal` never does. The write arms the next
 * version read, which then identifies the registering copy from its call site and answers its
 * exact version; any read of the global in between (another copy's `getGlobal`) disarms it.
 * Every other read is answered ANY_1X_VERSION at the cost of a getter call: API copies up to
 * 1.9 read the version on every API call, so nothing per read may cost more.
 *
 * A registry some code created before the layer started is adopted with what it holds. A
 * different object assigned to the global later replaces the registry, as with a plain property.
 */
export function installApiRegistry(target: object, options: RegistryOptions): void {
  const existing = Reflect.get(target, API_1_KEY) as unknown;
  if (isOurs(existing)) return;
  const registry: Registry = {};
  Object.defineProperty(registry, 'version', { get: readVersion, enumerable: true, configurable: false });
  Object.defineProperty(registry, OURS, { value: true });
  if (typeof existing === 'object' && existing !== null) {
    for (const [type, member] of Object.entries(existing)) if (type !== 'version') registry[type] = member;
  }

  const identified = new Map<string, string | undefined>();
  let registering = false;

  function readVersion(): string {
    if (!registering) return ANY_1X_VERSION;
    registering = false;
    return registrarVersion() ?? ANY_1X_VERSION;
  }

  function registrarVersion(): string | undefined {
    const site = callerSiteOf(readVersion);
    if (site === undefined) return undefined;
    if (options.isOwnFile(site.fileName)) return options.ownVersion;
    const key = `${site.fileName}:${site.line}:${site.column}`;
    if (!identified.has(key)) {
      const copy = options.identify(site);
      options.onForeignRegistration?.(copy);
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
