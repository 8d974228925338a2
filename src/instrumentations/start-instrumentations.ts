import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { awsFetchHooks, awsHttpClientHooks } from '../aws-requests/index.ts';
import type { LayerConfig } from '../config/index.ts';
import { describeError, log } from '../log.ts';
import type { CatalogueEntry } from './catalogue-entry.ts';
import { selectInstrumentations } from './instrumentation-settings.ts';
import { watchFirstBuiltinImport } from './lazy-esm-builtin-hook.ts';
import { watchFirstFetch } from './lazy-fetch-hook.ts';
import { watchFirstRequire } from './lazy-require-hook.ts';

type InstrumentationClass = new (config: Record<string, unknown>) => unknown;
export type LoadInstrumentationClass = (entry: CatalogueEntry) => InstrumentationClass;

/**
 * The bundle holds one entry file per instrumentation (layer-build/build.mjs), sharing chunks
 * with the rest of the layer; loading one is a synchronous require() of that ES module.
 */
const loadBundledClass: LoadInstrumentationClass = (entry) => {
  const loaded = createRequire(import.meta.url)(join(BUNDLE_DIR, 'instrumentations', `${entry.name}.mjs`)) as { Instrumentation: InstrumentationClass };
  return loaded.Instrumentation;
};

/** The modules whose first use starts the instrumentation, or 'now'. */
function triggersOf(entry: CatalogueEntry): readonly string[] | 'now' {
  // undici's instrumentation listens on diagnostics channels: started by the first fetch, or by
  // a require of the npm undici package.
  if (entry.name === 'undici') return ['undici'];
  return entry.modules.length === 0 ? 'now' : entry.modules;
}

const BUNDLE_DIR = dirname(fileURLToPath(import.meta.url));

/**
 * Starts each enabled instrumentation just before the function first uses what it instruments:
 * the first require() of its library, the first ES module import of a built-in it patches, or
 * (undici) the first fetch. One the function never uses costs a Map entry; those with nothing to
 * wait for (host and runtime metrics) start at once.
 */
export interface StartedInstrumentations {
  readonly warnings: readonly string[];
  /** Stops watching ES module imports of built-ins (call once the handler module has loaded). */
  readonly stopWatchingImports: () => void;
}

export function startInstrumentations(config: LayerConfig, loadClass: LoadInstrumentationClass = loadBundledClass): StartedInstrumentations {
  const { entries, warnings } = selectInstrumentations(config);
  const options = instrumentationOptions(config, entries.some((entry) => entry.name === 'aws-sdk'));
  const started = new Set<string>();
  const start = (entry: CatalogueEntry): void => {
    if (started.has(entry.name)) return;
    started.add(entry.name);
    try {
      const Instrumentation = loadClass(entry);
      // Constructed enabled, they register their hooks and use the global tracer provider.
      new Instrumentation(options[entry.name] ?? {});
      log.debug(`instrumentation ${entry.name} started${entry.modules.length > 0 ? ` (for ${entry.modules.join(', ')})` : ''}.`);
    } catch (error) {
      log.warn(`instrumentation ${entry.name} could not start (${describeError(error)}); the function runs without it.`);
    }
  };
  const byName = new Map(entries.map((entry) => [entry.name, entry]));
  const startByName = (name: string): void => {
    const entry = byName.get(name);
    if (entry !== undefined) start(entry);
  };
  const pending = new Map<string, string>();
  for (const entry of entries) {
    const targets = triggersOf(entry);
    if (targets === 'now') start(entry);
    else for (const target of targets) pending.set(target, entry.name);
  }
  const builtinTargets = new Map(pending);
  if (byName.has('undici')) watchFirstFetch(() => startByName('undici'));
  const runtimeDir = config.lambda.runtimeDir;
  watchFirstRequire(pending, runtimeDir === undefined ? [BUNDLE_DIR] : [BUNDLE_DIR, runtimeDir], startByName);
  const stopWatchingImports = watchFirstBuiltinImport(builtinTargets, (name, builtin) => {
    startByName(name);
    // require() is where require-in-the-middle patches a built-in: done once here, before the
    // ES module facade copies its exports.
    createRequire(import.meta.url)(builtin);
  });
  return { warnings, stopWatchingImports };
}

/** Settings of individual instrumentations that Lambda calls for. */
function instrumentationOptions(config: LayerConfig, awsSdkEnabled: boolean): Record<string, Record<string, unknown>> {
  const runtimeApi = config.lambda.runtimeApi;
  return {
    http: {
      // An AWS SDK bundled into the handler is out of the aws-sdk instrumentation's reach: its
      // calls are recognised from their HTTP requests instead (src/aws-requests/).
      ...(awsSdkEnabled ? awsHttpClientHooks() : {}),
      // Lambda invocations do not arrive as HTTP requests to the function.
      disableIncomingRequestInstrumentation: true,
      // The runtime client's (and our extension's) calls to the Runtime API are not the user's work.
      ignoreOutgoingRequestHook: (request: { hostname?: string | null; host?: string | null; port?: string | number | null }) =>
        runtimeApi !== undefined && `${request.hostname ?? request.host}:${request.port}` === runtimeApi,
    },
    // Without this, every AWS SDK call would also show its underlying HTTP request as a span.
    'aws-sdk': { suppressInternalInstrumentation: true },
    // The same for an SDK client configured with the fetch handler.
    undici: awsSdkEnabled ? awsFetchHooks() : {},
  };
}
