import { log } from '../log.ts';
import { installApiRegistry } from './api-registry.ts';
import { identifyApiCopy } from './identify-api-copy.ts';
import { layerApiGlobal } from './layer-api-global.ts';
import { LAYER_API_VERSION } from './layer-api-version.generated.ts';
import { watchUnservedMajor } from './watch-unserved-major.ts';

/**
 * Serves every copy of `@opentelemetry/api` 1.x that the function ships with what the layer
 * registers (tracer provider, context manager, propagator), whatever its minor version, and
 * warns once about a major version the layer cannot serve. Runs before the layer registers
 * anything and before any code of the function loads. See api-registry.ts for how.
 */
export function serveApiCopies(): void {
  installApiRegistry(globalThis, layerApiGlobal, {
    ownVersion: LAYER_API_VERSION,
    identify: (site) => identifyApiCopy(site, 1),
    onForeignRegistration: (copy, site) =>
      copy === undefined
        ? log.warn(
            `an @opentelemetry/api copy ${site === undefined ? 'in code evaluated from a string' : `in ${site.fileName}`} registers a global, ` +
              'but the layer cannot read its version there, so the API refuses the registration as a version mismatch. ' +
              'Spans, context and propagation of that copy are served all the same.',
          )
        : log.debug(`@opentelemetry/api ${copy.version} (${copy.location}) registers a global.`),
  });
  watchUnservedMajor(globalThis, 2, (site) => {
    const copy = site === undefined ? undefined : identifyApiCopy(site, 2);
    const which = copy === undefined ? 'an @opentelemetry/api of major version 2' : `@opentelemetry/api ${copy.version} (${copy.location})`;
    log.warn(
      `the function uses ${which}, which this layer cannot serve: it serves @opentelemetry/api 1.x (its own is ${LAYER_API_VERSION}). ` +
        'Spans created with that copy are not recorded; the function otherwise runs as without the layer. ' +
        'Use @opentelemetry/api 1.x in the function, or a layer release that supports API 2.x.',
    );
  });
}
