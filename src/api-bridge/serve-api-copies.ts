import { fileURLToPath } from 'node:url';
import { log } from '../log.ts';
import { installApiRegistry } from './api-registry.ts';
import { identifyApiCopy } from './identify-api-copy.ts';
import { LAYER_API_VERSION } from './layer-api-version.generated.ts';
import { watchUnservedMajor } from './watch-unserved-major.ts';

/**
 * Where the layer's own files are, its bundled API copy among them: this module's directory,
 * as an ES module's call sites name it (a URL) and as a CommonJS one's do (a path).
 */
const OWN_URL = new URL('.', import.meta.url);
const OWN_PREFIXES = [OWN_URL.href, fileURLToPath(OWN_URL)];

/**
 * Serves every copy of `@opentelemetry/api` 1.x that the function ships with what the layer
 * registers (tracer provider, context manager, propagator), whatever its minor version, and
 * warns once about a major version the layer cannot serve. Runs before the layer registers
 * anything and before any code of the function loads. See api-registry.ts for how.
 */
export function serveApiCopies(): void {
  installApiRegistry(globalThis, {
    ownVersion: LAYER_API_VERSION,
    isOwnFile: (fileName) => OWN_PREFIXES.some((prefix) => fileName.startsWith(prefix)),
    identify: (site) => identifyApiCopy(site, 1),
    onForeignRegistration: (copy) =>
      log.debug(
        copy === undefined
          ? 'an @opentelemetry/api copy whose version could not be read registers a global: it is refused as a version mismatch.'
          : `@opentelemetry/api ${copy.version} (${copy.location}) registers a global.`,
      ),
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
