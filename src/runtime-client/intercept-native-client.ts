import Module from 'node:module';
import { basename } from 'node:path';
import { gateNativeClient, type GateOptions, type NativeRuntimeClient, type ResultObserver } from './result-gate.ts';

type NativeAddonLoader = (this: unknown, module: { exports: unknown }, filename: string) => unknown;

const NATIVE_CLIENT_FILE = 'rapid-client.node';

export interface RuntimeClientGate {
  /** Whether the runtime's native client was found and gated: only then are results heard. */
  readonly active: () => boolean;
  /** Who hears the results from now on (until then they go through at once). */
  observe(observer: ResultObserver): void;
}

const NO_FLUSHES: ReadonlySet<Promise<void>> = new Set();
const UNOBSERVED: ResultObserver = { resultPosted: () => undefined, pendingFlushes: () => NO_FLUSHES };

/**
 * Gates the runtime client's native Runtime API client when the runtime loads it (both
 * aws-lambda-ric v3 and v4 `require('./rapid-client.node')` before they load the handler).
 * The hook sits on Node's loader for native addons only, so no JavaScript require pays for it,
 * and it removes itself once the client has been seen.
 */
export function interceptNativeRuntimeClient(options: GateOptions): RuntimeClientGate {
  let current = UNOBSERVED;
  const observer: ResultObserver = {
    resultPosted: (requestId, result) => current.resultPosted(requestId, result),
    pendingFlushes: () => current.pendingFlushes(),
  };
  let active = false;
  const gate: RuntimeClientGate = {
    active: () => active,
    observe: (next) => void (current = next),
  };
  const extensions = (Module as unknown as { _extensions?: Record<string, NativeAddonLoader | undefined> })._extensions;
  const original = extensions?.['.node'];
  if (extensions === undefined || typeof original !== 'function') return gate;
  const loadNativeAddon: NativeAddonLoader = function loadNativeAddon(module, filename) {
    const returned = original.call(this, module, filename);
    if (basename(filename) === NATIVE_CLIENT_FILE && isNativeClient(module.exports)) {
      module.exports = gateNativeClient(module.exports, observer, options);
      active = true;
      if (extensions['.node'] === loadNativeAddon) extensions['.node'] = original;
    }
    return returned;
  };
  extensions['.node'] = loadNativeAddon;
  return gate;
}

function isNativeClient(value: unknown): value is NativeRuntimeClient {
  const client = value as Partial<Record<keyof NativeRuntimeClient, unknown>> | null;
  return typeof client === 'object' && client !== null && typeof client.next === 'function' && typeof client.done === 'function' && typeof client.error === 'function';
}
