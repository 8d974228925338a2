import type { Plugin } from 'esbuild';

/** Points the bundled `@opentelemetry/api`'s registry at src/api-bridge/layer-api-global.ts. */
export function layerApiGlobalPlugin(): Plugin;
/** The rewritten `internal/global-utils` source, or undefined when it declares no `_global`. */
export function useLayerApiGlobal(source: string, commonJs?: boolean): string | undefined;
