import Module, { createRequire } from 'node:module';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { moduleNameOf, packageOfFile } from '../module-names.ts';
import type { LoadContext } from './module-load-recorder.ts';

/** What a module load is shown as: `require pg`, with the file it loaded. */
export interface LoadDescription {
  readonly name: string;
  /** The package (`pg`, `@aws-sdk/client-s3`), the file under the task root, or the layer. */
  readonly module: string;
  readonly file: string | undefined;
}

export interface NamingPlaces {
  /** LAMBDA_TASK_ROOT: the function's own files are named by their path under it. */
  readonly taskRoot: string;
  /** The layer's own files (an instrumentation loaded as its library loads). */
  readonly layerDir: string;
  /** The runtime client's files: not the function's, not shown. */
  readonly runtimeDir: string | undefined;
}

export const LAYER_MODULE = 'otel-lambda-layer';

/** Node's CommonJS module cache (`require.cache`): each module with the modules it loaded. */
interface CachedModule {
  readonly filename?: string;
  readonly exports?: unknown;
  readonly children?: readonly CachedModule[];
}
const moduleCache = (): Record<string, CachedModule | undefined> => (Module as unknown as { _cache: Record<string, CachedModule | undefined> })._cache;

/**
 * Names a load by what it loaded: the package of the resolved file (the innermost
 * `node_modules/<name>` or `node_modules/@scope/name`), the path under the task root for the
 * function's own files, the layer for the layer's. Undefined for what is not shown: built-ins
 * and the runtime client's files. Runs only for the loads over the threshold, once the init
 * span is made, and touches no file: resolving again costs about 0.1 ms per package.
 */
export function describeLoad(context: LoadContext, places: NamingPlaces): LoadDescription | undefined {
  const verb = context.url === undefined ? 'require' : 'import';
  const specifier = context.url ?? context.id;
  if (specifier === undefined || Module.isBuiltin(specifier)) return undefined;
  const file = verb === 'require' ? requiredFile(context, specifier) : importedFile(specifier, context.parentURL);
  if (file !== undefined && within(file, places.layerDir)) return { name: layerLoadName(relative(places.layerDir, file)), module: LAYER_MODULE, file };
  const module = file === undefined ? moduleNameOf(specifier) || undefined : moduleOfFile(file, places);
  if (module === undefined) return undefined;
  return { name: `${verb} ${module}`, module, file };
}

/**
 * The layer's own loads while the handler loads are its instrumentations, each loaded just
 * before the library it patches (src/instrumentations/lazy-start.ts): shown as the layer's, not
 * as the function's, so that the time a library takes to load is the library's.
 */
function layerLoadName(path: string): string {
  const instrumentation = /^instrumentations[/\\](.+)\.mjs$/.exec(path)?.[1];
  return `${LAYER_MODULE} load ${instrumentation === undefined ? path : `instrumentation ${instrumentation}`}`;
}

function moduleOfFile(file: string, places: NamingPlaces): string | undefined {
  if (places.runtimeDir !== undefined && within(file, places.runtimeDir)) return undefined;
  const packageName = packageOfFile(file)?.name;
  if (packageName !== undefined) return packageName;
  if (within(file, places.taskRoot)) return relative(places.taskRoot, file);
  return file;
}

/**
 * The file a require() loaded: the module among those its parent loaded (`module.children`)
 * whose exports it returned; an absolute request (a CommonJS module an ES module imported) is
 * the file itself. A bare name that is not found is named from the request alone.
 */
function requiredFile(context: LoadContext, specifier: string): string | undefined {
  if (isAbsolute(specifier)) return specifier;
  const parentFile = context.parentFilename;
  if (parentFile === undefined) return undefined;
  const children = moduleCache()[parentFile]?.children ?? [];
  for (let index = children.length - 1; index >= 0; index--) {
    const child = children[index]!;
    if (child.exports === context.result && child.filename !== undefined) return child.filename;
  }
  return specifier.startsWith('.') ? join(dirname(parentFile), specifier) : undefined;
}

/**
 * The file an import() loaded: ES module specifiers are URLs, relative to the importer's; a bare
 * package name is resolved as require() would (for a package whose exports differ by condition
 * that may be the require build: the package, and so the name, is the same).
 */
function importedFile(specifier: string, parentURL: string | undefined): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('file:')) {
    try {
      return pathOf(new URL(specifier, parentURL).href);
    } catch {
      return undefined;
    }
  }
  const parentFile = pathOf(parentURL);
  if (parentFile === undefined) return undefined;
  try {
    return createRequire(parentFile).resolve(specifier);
  } catch {
    // An ES module-only package (no `require` condition): named from the specifier alone.
    return undefined;
  }
}

function pathOf(url: string | undefined): string | undefined {
  if (url === undefined || !url.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(url);
  } catch {
    return undefined;
  }
}

function within(file: string, dir: string): boolean {
  return file.startsWith(dir.endsWith(sep) ? dir : dir + sep);
}
