// esbuild plugin for the layer's build (build.mjs) and for measurements that bundle the layer's
// API the same way (test/bench/api-bridge-cost.ts).
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The layer's own `@opentelemetry/api` keeps its registry on a plain object of the layer's
 * (src/api-bridge/layer-api-global.ts) instead of globalThis, where the bridge serves the
 * function's own API copies through accessors (src/api-bridge/api-registry.ts): the layer's API
 * calls then never pay for those accessors. The copy's `_global` declaration in
 * `internal/global-utils` becomes an import of that object; the build fails if the declaration
 * is not found, so a new API release cannot slip past it.
 */
const API_GLOBAL_UTILS = /node_modules\/@opentelemetry\/api\/(?:build\/(?:esm|esnext|src)|dist)\/internal\/global-utils\.(?:m|c)?js$/;
const API_GLOBAL_DECLARATION = /^(?:const|let|var) _global = [^;]*;/m;
const LAYER_API_GLOBAL = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'api-bridge', 'layer-api-global.ts');

/** The CommonJS builds (`build/src/`, `.cjs`) get a require(), the ES module builds an import. */
export function useLayerApiGlobal(source, commonJs = false) {
  if (!API_GLOBAL_DECLARATION.test(source)) return undefined;
  const module = JSON.stringify(LAYER_API_GLOBAL);
  return source.replace(API_GLOBAL_DECLARATION, commonJs ? `const _global = require(${module}).layerApiGlobal;` : `import { layerApiGlobal as _global } from ${module};`);
}

export function layerApiGlobalPlugin() {
  return {
    name: 'layer-api-global',
    setup(pluginBuild) {
      let rewritten = 0;
      pluginBuild.onStart(() => {
        rewritten = 0;
      });
      pluginBuild.onLoad({ filter: API_GLOBAL_UTILS }, async (args) => {
        const contents = useLayerApiGlobal(await readFile(args.path, 'utf8'), /\/build\/src\/|\.cjs$/.test(args.path));
        if (contents === undefined) return { errors: [{ text: `${args.path}: no \`_global\` declaration to point at the layer's API global (see layerApiGlobalPlugin)` }] };
        rewritten += 1;
        return { contents, loader: 'js', resolveDir: dirname(args.path) };
      });
      pluginBuild.onEnd((result) => {
        if (result.errors.length === 0 && rewritten !== 1) {
          result.errors.push({ text: `expected to point exactly one @opentelemetry/api copy at the layer's API global, pointed ${rewritten}` });
        }
      });
    },
  };
}
