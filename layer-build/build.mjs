// Builds the layer: bundles src/ with esbuild, lays out the tree that lands in /opt, zips it,
// and prints sizes. Fails when the zip is over the size budget.
import { build } from 'esbuild';
import { createRequire, isBuiltin } from 'node:module';
import { readFile } from 'node:fs/promises';
import { chmodSync, copyFileSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeLayerApiVersion } from './generate-api-version.mjs';
import { layerApiGlobalPlugin } from './layer-api-global-plugin.mjs';
import { writeCatalogue } from './generate-catalogue.mjs';
import { zipDirectory } from './zip-directory.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'dist');
const LAYER_DIR = join(DIST, 'layer');
const MAPS_DIR = join(DIST, 'sourcemaps');
const ZIP_PATH = join(DIST, 'otel-lambda-layer.zip');
const ZIP_BUDGET_BYTES = 350 * 1024;

// The bundle is ES modules (so lazily loaded parts can share chunks); bundled CommonJS
// dependencies still call require() for Node built-ins, which this banner provides.
const REQUIRE_BANNER = "import { createRequire as __otelCreateRequire } from 'node:module'; const require = __otelCreateRequire(import.meta.url);";

/** What every file of the layer is built as: one minified ES module bundle for Node.js 22 and later. */
const NODE_ESM_BUNDLE = {
  bundle: true,
  format: 'esm',
  platform: 'node',
  // nodejs22.x is the oldest Lambda runtime still supported.
  target: 'node22',
  // LAYER_NO_MINIFY=1 keeps names readable in CPU and heap profiles; what ships is minified.
  minify: process.env.LAYER_NO_MINIFY !== '1',
  sourcemap: 'external',
  legalComments: 'none',
  logLevel: 'warning',
};

export async function buildLayer({ quiet = false } = {}) {
  rmSync(DIST, { recursive: true, force: true });
  mkdirSync(join(LAYER_DIR, 'otel-lambda'), { recursive: true });

  // One entry per instrumentation, loaded by the layer only when its library is used;
  // esbuild's code splitting keeps what they share (the instrumentation base, the API) in
  // common chunks.
  const catalogue = writeCatalogue();
  writeLayerApiVersion();
  const instrumentationEntries = Object.fromEntries(catalogue.map((entry) => [`instrumentations/${entry.name}`, `otel-instrumentation:${entry.name}`]));

  const result = await build({
    entryPoints: { 'start-layer': join(ROOT, 'src/start-layer.ts'), ...instrumentationEntries },
    plugins: [instrumentationEntryPlugin(catalogue), singleOpenTelemetryCopyPlugin(), layerApiGlobalPlugin(), builtinsThroughRequirePlugin(), inlineSemanticConventionsPlugin()],
    outdir: join(LAYER_DIR, 'otel-lambda'),
    outExtension: { '.js': '.mjs' },
    ...NODE_ESM_BUNDLE,
    splitting: true,
    // The OpenTelemetry packages ship ES module builds marked side-effect free: preferring them
    // lets esbuild drop what is not used (most of semantic-conventions' thousands of constants),
    // which CommonJS builds do not allow.
    mainFields: ['module', 'main'],
    treeShaking: true,
    banner: { js: REQUIRE_BANNER },
    // src/version.ts: the instrumentation scope's version and the exports' User-Agent.
    define: { __OTEL_LAMBDA_LAYER_VERSION__: JSON.stringify(await layerVersion()) },
    metafile: true,
  });
  const bootstrap = await buildBootstrap();
  // What went into which file, for size and cold-start work (esbuild's analyzer reads it too).
  writeFileSync(join(DIST, 'metafile.json'), JSON.stringify({ inputs: { ...result.metafile.inputs, ...bootstrap.metafile.inputs }, outputs: { ...result.metafile.outputs, ...bootstrap.metafile.outputs } }));
  await buildAwsRecogniser();

  // Source maps stay out of the zip (size), next to it for debugging.
  mkdirSync(MAPS_DIR, { recursive: true });
  for (const file of listFiles(join(LAYER_DIR, 'otel-lambda'))) {
    if (file.endsWith('.map')) renameSync(file, join(MAPS_DIR, relative(join(LAYER_DIR, 'otel-lambda'), file).replaceAll('/', '__')));
  }

  copyFileSync(join(ROOT, 'otel-handler'), join(LAYER_DIR, 'otel-handler'));
  chmodSync(join(LAYER_DIR, 'otel-handler'), 0o755);

  await zipDirectory(LAYER_DIR, ZIP_PATH);
  const report = sizeReport();
  if (!quiet) printReport(report);
  if (report.zipBytes > ZIP_BUDGET_BYTES) {
    throw new Error(`layer zip is ${report.zipBytes} bytes, over the budget of ${ZIP_BUDGET_BYTES} bytes`);
  }
  return { layerDir: LAYER_DIR, zipPath: ZIP_PATH, ...report };
}

/**
 * The preload on its own, one file that imports nothing: it is loaded in every node child process
 * and worker thread of the function (NODE_OPTIONS), where it must decide and return having loaded
 * nothing else, and it must fail open even when the layer's other files are damaged. (In the
 * split build esbuild gives an entry of more than one module an import of its helpers chunk.)
 * The rest of the layer is the split build's `start-layer.mjs`, imported dynamically.
 */
async function buildBootstrap() {
  const result = await build({
    entryPoints: { bootstrap: join(ROOT, 'src/bootstrap.ts') },
    plugins: [{
      name: 'start-layer-from-the-split-build',
      setup(pluginBuild) {
        pluginBuild.onResolve({ filter: /^\.\/start-layer\.ts$/ }, () => ({ path: './start-layer.mjs', external: true }));
      },
    }],
    outdir: join(LAYER_DIR, 'otel-lambda'),
    outExtension: { '.js': '.mjs' },
    ...NODE_ESM_BUNDLE,
    metafile: true,
  });
  const imports = Object.values(result.metafile.outputs).flatMap((output) => output.imports ?? []);
  if (imports.some((entry) => entry.kind !== 'dynamic-import' || entry.path !== './start-layer.mjs')) {
    throw new Error(`bootstrap.mjs must import nothing but ./start-layer.mjs, dynamically; it imports ${JSON.stringify(imports)}`);
  }
  return result;
}

/**
 * The AWS request recogniser and its route tables (src/aws-requests/recogniser.ts), loaded on the
 * first SigV4-signed request. Built on its own, without code splitting: it shares nothing with
 * the rest, and as one more entry of the main build it would split esbuild's runtime helpers
 * out of a chunk every cold start loads into a file of their own (one more file to load).
 */
async function buildAwsRecogniser() {
  await build({
    entryPoints: [join(ROOT, 'src/aws-requests/recogniser.ts')],
    outfile: join(LAYER_DIR, 'otel-lambda', 'aws-requests', 'recogniser.mjs'),
    ...NODE_ESM_BUNDLE,
  });
}

function instrumentationEntryPlugin(catalogue) {
  const byName = new Map(catalogue.map((entry) => [entry.name, entry]));
  return {
    name: 'instrumentation-entries',
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: /^otel-instrumentation:/ }, (args) => ({ path: args.path.slice('otel-instrumentation:'.length), namespace: 'otel-instrumentation' }));
      pluginBuild.onLoad({ filter: /.*/, namespace: 'otel-instrumentation' }, (args) => {
        const entry = byName.get(args.path);
        // `satisfies` is the instrumentation package's own version-range check, which the layer
        // uses to patch ES module builds (src/instrumentations/patch-es-module.ts); it comes with
        // the instrumentation so that a function that uses none loads none of it.
        const contents = [
          `export { ${entry.className} as Instrumentation } from '${entry.packageName}';`,
          "export { satisfies } from '@opentelemetry/instrumentation/build/esm/semver.js';",
        ].join('\n');
        return { contents, resolveDir: ROOT, loader: 'js' };
      });
    },
  };
}

/**
 * Some OpenTelemetry packages pin exact versions of their siblings and so get private nested
 * copies (the metrics/logs exporters bring a whole second SDK and OTLP serializer each). Every
 * `@opentelemetry/*` import resolves to the project's top-level copy instead: one copy of each
 * package in the layer, and the same global API instance everywhere.
 */
function singleOpenTelemetryCopyPlugin() {
  return {
    name: 'single-opentelemetry-copy',
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: /^@opentelemetry\// }, async (args) => {
        if (args.pluginData?.topLevel === true || args.resolveDir === ROOT) return undefined;
        const resolved = await pluginBuild.resolve(args.path, { kind: args.kind, resolveDir: ROOT, pluginData: { topLevel: true } });
        return resolved.errors.length > 0 ? undefined : { path: resolved.path };
      });
    },
  };
}

/**
 * `import … from 'node:util'` in an ES module makes Node build the built-in's ES module facade,
 * which reads every export, lazy getters included, and so does esbuild's interop when such an
 * import is bundled as a require() (it copies every property): `util` then loads its diff,
 * colors and parseArgs internals, `http` loads Node's whole undici. In a cold start that is tens
 * of milliseconds for nothing. Static imports of built-ins are rewritten to destructuring
 * require()s (the banner provides require), which read only the names imported.
 */
const BUILTIN_IMPORT = /^import\s+(?:(\*\s+as\s+[\w$]+)|([\w$]+)|\{([^}]*)\})\s+from\s+['"]((?:node:)?[a-z_/]+)['"];?[ \t]*$/gm;

export function requireBuiltinImports(source) {
  return source.replace(BUILTIN_IMPORT, (statement, namespace, defaultName, named, specifier) => {
    if (!isBuiltin(specifier)) return statement;
    const call = `require(${JSON.stringify(specifier)})`;
    if (namespace !== undefined) return `const ${namespace.replace(/^\*\s+as\s+/, '')} = ${call};`;
    if (defaultName !== undefined) return `const ${defaultName} = ${call};`;
    const bindings = named
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part !== '' && !part.startsWith('type '))
      .map((part) => part.replace(/\s+as\s+/, ': '));
    return bindings.length === 0 ? '' : `const { ${bindings.join(', ')} } = ${call};`;
  });
}

function builtinsThroughRequirePlugin() {
  return {
    name: 'builtins-through-require',
    setup(pluginBuild) {
      pluginBuild.onLoad({ filter: /\.(m?js|ts)$/ }, async (args) => {
        if (!args.path.includes('/src/') && !/\/build\/esm(next)?\//.test(args.path)) return undefined;
        const source = await readFile(args.path, 'utf8');
        const rewritten = requireBuiltinImports(source);
        if (rewritten === source) return undefined;
        return { contents: rewritten, loader: args.path.endsWith('.ts') ? 'ts' : 'js', resolveDir: dirname(args.path) };
      });
    },
  };
}

/**
 * The instrumentations are CommonJS and `require('@opentelemetry/semantic-conventions')` for a
 * few attribute names: esbuild must then bundle, and the function's cold start evaluate, the
 * whole package (81 KB, thousands of constants). Each `semantic_conventions_1.ATTR_X` read is
 * replaced by the constant's value here, and the require dropped when nothing else uses it.
 */
const SEMCONV_REQUIRE = /(?:const|var|let) (\w+) = require\("@opentelemetry\/semantic-conventions(\/incubating)?"\);/g;

export function inlineSemanticConventions(source, conventions) {
  let result = source;
  for (const [declaration, binding, incubating] of [...source.matchAll(SEMCONV_REQUIRE)]) {
    const values = incubating ? conventions.incubating : conventions.stable;
    result = result.replace(new RegExp(`\\b${binding}\\.([A-Za-z0-9_$]+)\\b`, 'g'), (read, name) => {
      const value = values[name];
      return typeof value === 'string' || typeof value === 'number' ? JSON.stringify(value) : read;
    });
    if (!new RegExp(`\\b${binding}\\b`).test(result.replace(declaration, ''))) result = result.replace(declaration, '');
  }
  return result;
}

function inlineSemanticConventionsPlugin() {
  const require = createRequire(join(ROOT, 'package.json'));
  const conventions = {
    stable: require('@opentelemetry/semantic-conventions'),
    incubating: require('@opentelemetry/semantic-conventions/incubating'),
  };
  return {
    name: 'inline-semantic-conventions',
    setup(pluginBuild) {
      pluginBuild.onLoad({ filter: /node_modules\/@opentelemetry\/.*\/build\/src\/.*\.js$/ }, async (args) => {
        const source = await readFile(args.path, 'utf8');
        if (!source.includes('require("@opentelemetry/semantic-conventions')) return undefined;
        return { contents: inlineSemanticConventions(source, conventions), loader: 'js', resolveDir: dirname(args.path) };
      });
    },
  };
}

async function layerVersion() {
  return JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')).version;
}

function listFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

function sizeReport() {
  const files = listFiles(LAYER_DIR).map((file) => ({ path: relative(LAYER_DIR, file), bytes: statSync(file).size }));
  return {
    files,
    fileCount: files.length,
    unzippedBytes: files.reduce((sum, file) => sum + file.bytes, 0),
    zipBytes: statSync(ZIP_PATH).size,
  };
}

function printReport(report) {
  const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
  console.log(`layer: ${relative(ROOT, ZIP_PATH)}`);
  const largest = [...report.files].sort((a, b) => b.bytes - a.bytes).slice(0, 8);
  for (const file of largest) console.log(`  ${file.path.padEnd(48)} ${kb(file.bytes).padStart(10)}`);
  if (report.files.length > largest.length) console.log(`  … and ${report.files.length - largest.length} smaller files`);
  console.log(`  zip ${kb(report.zipBytes)} (budget ${kb(ZIP_BUDGET_BYTES)}), unzipped ${kb(report.unzippedBytes)}, ${report.fileCount} files`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  buildLayer().catch((error) => {
    console.error(`build failed: ${error.message}`);
    process.exitCode = 1;
  });
}
