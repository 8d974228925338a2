'use strict';
// Jest transform built on esbuild (already our bundler): ts-jest does not support
// the TypeScript versions we type-check with, and type-checking is `npm run typecheck`'s job.
// Sources are written as ES modules with `.ts` import extensions so that Node 24 can run
// the sandbox scripts directly; jest needs CommonJS, so import.meta.url is mapped to the file URL.
const { transformSync } = require('esbuild');
const { pathToFileURL } = require('node:url');
// As layer-build/build.mjs writes it into the layer (src/version.ts).
const LAYER_VERSION = JSON.stringify(require('../package.json').version);

module.exports = {
  process(source, filename) {
    const result = transformSync(source, {
      loader: filename.endsWith('.ts') ? 'ts' : 'js',
      format: 'cjs',
      target: 'node20',
      sourcemap: 'inline',
      sourcefile: filename,
      define: { 'import.meta.url': JSON.stringify(pathToFileURL(filename).href), __OTEL_LAMBDA_LAYER_VERSION__: LAYER_VERSION },
    });
    return { code: result.code };
  },
};
