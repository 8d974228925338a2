import { metrics } from '@opentelemetry/api';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { awsFetchHooks, awsHttpClientHooks } from '../aws-requests/index.ts';
import type { LayerConfig } from '../config/index.ts';
import { describeError, log } from '../log.ts';
import { nodeRequire } from '../node-require.ts';
import type { CatalogueEntry } from './catalogue-entry.ts';
import { selectInstrumentations } from './instrumentation-settings.ts';
import { startLazily } from './lazy-start.ts';
import { packageOfFile } from './module-names.ts';
import { patchEsModule, type PatchableInstrumentation, type Satisfies } from './patch-es-module.ts';

type InstrumentationClass = new (config: Record<string, unknown>) => unknown;

/**
 * As `registerInstrumentations` does after construction: an instrumentation declaring its metric
 * instruments as class fields (openai's) has them reset to undefined once its constructor's
 * super() returns, and only a later setMeterProvider makes them again; without it every call it
 * traces fails to record (and logs an error).
 */
function giveMeterProvider(instance: unknown): void {
  const instrumentation = instance as { setMeterProvider?: (provider: unknown) => void };
  if (typeof instrumentation.setMeterProvider === 'function') instrumentation.setMeterProvider(metrics.getMeterProvider());
}

/** What an instrumentation's entry file exports (layer-build/build.mjs). */
export interface InstrumentationModule {
  readonly Instrumentation: InstrumentationClass;
  /** @opentelemetry/instrumentation's version-range check, for patching ES module builds. */
  readonly satisfies: Satisfies;
}
export type LoadInstrumentation = (entry: CatalogueEntry) => InstrumentationModule;

/**
 * The bundle holds one entry file per instrumentation (layer-build/build.mjs), sharing chunks
 * with the rest of the layer; loading one is a synchronous require() of that ES module.
 */
const loadBundled: LoadInstrumentation = (entry) =>
  createRequire(import.meta.url)(join(BUNDLE_DIR, 'instrumentations', `${entry.name}.mjs`)) as InstrumentationModule;

const BUNDLE_DIR = dirname(fileURLToPath(import.meta.url));

/**
 * Starts each enabled instrumentation just before the function first uses what it instruments
 * (lazy-start.ts: the first require() or import of its library, or of a built-in it patches, or
 * the first fetch). One the function never uses costs a Map entry; those with nothing to wait
 * for (host and runtime metrics) start at once.
 */
export interface StartedInstrumentations {
  readonly warnings: readonly string[];
  /** Stops watching ES module imports of built-ins (call once the handler module has loaded). */
  readonly stopWatchingImports: () => void;
}

export function startInstrumentations(config: LayerConfig, load: LoadInstrumentation = loadBundled): StartedInstrumentations {
  const { entries, warnings } = selectInstrumentations(config);
  const options = instrumentationOptions(config, entries.some((entry) => entry.name === 'aws-sdk'));
  const started = new Map<string, { instance: unknown; satisfies: Satisfies }>();
  const start = (entry: CatalogueEntry): void => {
    try {
      const { Instrumentation, satisfies } = load(entry);
      // Constructed enabled, they register their hooks and use the global tracer provider.
      const instance = new Instrumentation(options[entry.name] ?? {});
      giveMeterProvider(instance);
      started.set(entry.name, { instance, satisfies });
      log.debug(`instrumentation ${entry.name} started${entry.modules.length > 0 ? ` (for ${entry.modules.join(', ')})` : ''}.`);
    } catch (error) {
      log.warn(`instrumentation ${entry.name} could not start (${describeError(error)}); the function runs without it.`);
    }
  };
  const byName = new Map(entries.map((entry) => [entry.name, entry]));
  const targets = new Map<string, string>();
  for (const entry of entries) {
    // undici's instrumentation listens on diagnostics channels: started by the first fetch, or by
    // a require or import of the npm undici package.
    const modules = entry.name === 'undici' ? ['undici'] : entry.modules;
    if (modules.length === 0) start(entry);
    for (const module of modules) targets.set(module, entry.name);
  }
  const runtimeDir = config.lambda.runtimeDir;
  const { stopWatchingImports } = startLazily({
    targets,
    onFirstFetch: byName.has('undici') ? 'undici' : undefined,
    ignoredDirs: runtimeDir === undefined ? [BUNDLE_DIR] : [BUNDLE_DIR, runtimeDir],
    start: (name) => {
      const entry = byName.get(name);
      if (entry !== undefined) start(entry);
    },
    require: nodeRequire,
    patchEsModule: (name, module, namespace, url) => {
      const instrumentation = started.get(name);
      if (instrumentation === undefined) return;
      const { patched, unapplied } = patchEsModule(instrumentation.instance as PatchableInstrumentation, module, namespace, packageVersionAt(url), instrumentation.satisfies);
      if (patched) log.debug(`instrumentation ${name} patched the ES module build of ${module} (${url}).`);
      if (unapplied.length > 0) log.debug(`instrumentation ${name} replaced export(s) ${unapplied.join(', ')} of the ES module build of ${module}; an ES module's exports cannot be replaced from outside, so importers keep the originals.`);
    },
    warn: log.warn,
    debug: log.debug,
  });
  return { warnings, stopWatchingImports };
}

/** The version in the package.json of the package a module URL belongs to (undefined if unreadable). */
function packageVersionAt(url: string): string | undefined {
  const found = packageOfFile(fileURLToPath(url));
  if (found === undefined) return undefined;
  try {
    const { version } = JSON.parse(readFileSync(join(found.dir, 'package.json'), 'utf8')) as { version?: unknown };
    return typeof version === 'string' ? version : undefined;
  } catch {
    return undefined;
  }
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
