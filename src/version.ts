/**
 * The layer's version (package.json's), written in by the build (esbuild `define`, see
 * layer-build/build.mjs; the jest transform does the same). It names the layer's instrumentation
 * scope and goes in the User-Agent of every export it sends.
 */
declare const __OTEL_LAMBDA_LAYER_VERSION__: string | undefined;

export const LAYER_VERSION: string = typeof __OTEL_LAMBDA_LAYER_VERSION__ === 'string' ? __OTEL_LAMBDA_LAYER_VERSION__ : '0.0.0-dev';

/** The layer's instrumentation scope name, on every span, metric and log record it makes itself. */
export const LAYER_SCOPE_NAME = 'otel-lambda-layer';

/**
 * The User-Agent of the layer's exports. The OTLP exporter specification asks for one naming the
 * exporter, its language and version (https://opentelemetry.io/docs/specs/otel/protocol/exporter/#user-agent);
 * the exporter is the layer's own, so it carries the layer's name and version.
 */
export const EXPORT_USER_AGENT = `OTel-OTLP-Exporter-JavaScript-Lambda-Layer/${LAYER_VERSION}`;
