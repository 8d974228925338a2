import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LayerConfig } from '../config/index.ts';
import { describeError, log } from '../log.ts';
import type { CatalogueEntry } from './catalogue-entry.ts';
import { selectInstrumentations, startsEagerly } from './instrumentation-settings.ts';
import { watchFirstRequire } from './lazy-require-hook.ts';

type InstrumentationClass = new (config: Record<string, unknown>) => unknown;
export type LoadInstrumentationClass = (entry: CatalogueEntry) => InstrumentationClass;

/**
 * The bundle holds one entry file per instrumentation (layer-build/build.mjs), sharing chunks
 * with the rest of the layer; loading one is a synchronous require() of that ES module.
 */
const loadBundledClass: LoadInstrumentationClass = (entry) => {
  const bundleDir = dirname(fileURLToPath(import.meta.url));
  const loaded = createRequire(import.meta.url)(join(bundleDir, 'instrumentations', `${entry.name}.mjs`)) as { Instrumentation: InstrumentationClass };
  return loaded.Instrumentation;
};

/**
 * Starts the enabled instrumentations: those of built-in modules and diagnostics channels at
 * once, every other one just before its library is first required. An instrumentation whose
 * library the function never loads costs a Map entry.
 */
export function startInstrumentations(config: LayerConfig, loadClass: LoadInstrumentationClass = loadBundledClass): readonly string[] {
  const { entries, warnings } = selectInstrumentations(config);
  const options = instrumentationOptions(config);
  const start = (entry: CatalogueEntry): void => {
    try {
      const Instrumentation = loadClass(entry);
      // Constructed enabled, they register their hooks and use the global tracer provider.
      new Instrumentation(options[entry.name] ?? {});
      log.debug(`instrumentation ${entry.name} started${entry.modules.length > 0 ? ` (for ${entry.modules.join(', ')})` : ''}.`);
    } catch (error) {
      log.warn(`instrumentation ${entry.name} could not start (${describeError(error)}); the function runs without it.`);
    }
  };
  const lazyByModule = new Map<string, string>();
  for (const entry of entries) {
    if (startsEagerly(entry)) start(entry);
    else for (const target of entry.modules) lazyByModule.set(target, entry.name);
  }
  const byName = new Map(entries.map((entry) => [entry.name, entry]));
  watchFirstRequire(lazyByModule, (name) => {
    const entry = byName.get(name);
    if (entry !== undefined) start(entry);
  });
  return warnings;
}

/** Settings of individual instrumentations that Lambda calls for. */
function instrumentationOptions(config: LayerConfig): Record<string, Record<string, unknown>> {
  const runtimeApi = config.lambda.runtimeApi;
  return {
    http: {
      // Lambda invocations do not arrive as HTTP requests to the function.
      disableIncomingRequestInstrumentation: true,
      // The runtime client's (and our extension's) calls to the Runtime API are not the user's work.
      ignoreOutgoingRequestHook: (request: { hostname?: string | null; host?: string | null; port?: string | number | null }) =>
        runtimeApi !== undefined && `${request.hostname ?? request.host}:${request.port}` === runtimeApi,
    },
    // Without this, every AWS SDK call would also show its underlying HTTP request as a span.
    'aws-sdk': { suppressInternalInstrumentation: true },
  };
}
