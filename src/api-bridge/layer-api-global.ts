/**
 * The object the layer's own bundled `@opentelemetry/api` keeps its registry on instead of
 * globalThis: layer-build/build.mjs rewrites that copy's `internal/global-utils` to import it.
 * The function's own copies find the registry on globalThis, behind the accessors the bridge
 * puts there (see api-registry.ts); the layer's API calls go to this plain object and never pay
 * for those accessors, nor is any of its registrations identified.
 */
export const layerApiGlobal: Record<symbol, unknown> = {};
