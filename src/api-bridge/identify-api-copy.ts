import { readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CallerSite } from './caller-site.ts';

/** One copy of `@opentelemetry/api` in the function: its version and where it lives. */
export interface ApiCopy {
  readonly version: string;
  /** The package directory, or the bundle file that holds the copy. */
  readonly location: string;
}

const API_PACKAGE = '@opentelemetry/api';
/** Larger files are not read: no real handler bundle comes close, and a read must stay cheap. */
const MAX_BUNDLE_BYTES = 64 * 1024 * 1024;

/**
 * Which `@opentelemetry/api` the code at `site` belongs to. Code of an installed package
 * (`node_modules`, any layout, pnpm's included) is identified by its nearest package.json; any
 * other file is a bundle that inlined the API, and the copy's version is the version literal
 * nearest the call (see versionLiteralNear). `major` is the major version the caller is known
 * to have (from the global symbol it used).
 */
export function identifyApiCopy(site: CallerSite, major: number): ApiCopy | undefined {
  const file = filePathOf(site.fileName);
  if (file === undefined) return undefined;
  const installed = installedApiPackageOf(file);
  if (installed !== undefined) return installed;
  const source = readBundle(file);
  if (source === undefined) return undefined;
  const version = versionLiteralNear(source, offsetOf(source, site.line, site.column), major);
  return version === undefined ? undefined : { version, location: file };
}

function filePathOf(fileName: string): string | undefined {
  try {
    const path = fileName.startsWith('file:') ? fileURLToPath(fileName) : fileName;
    return isAbsolute(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The API package that `file` belongs to, if it belongs to one: the nearest package.json that
 * has a name decides (a nested one without a name, such as `{"type":"module"}`, does not).
 */
export function installedApiPackageOf(file: string): ApiCopy | undefined {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const manifest = readManifest(join(dir, 'package.json'));
    if (manifest !== undefined && typeof manifest.name === 'string') {
      return manifest.name === API_PACKAGE && typeof manifest.version === 'string' ? { version: manifest.version, location: dir } : undefined;
    }
    if (dirname(dir) === dir) return undefined;
  }
}

function readManifest(path: string): { name?: unknown; version?: unknown } | undefined {
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    return typeof parsed === 'object' && parsed !== null ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function readBundle(file: string): string | undefined {
  try {
    if (statSync(file).size > MAX_BUNDLE_BYTES) return undefined;
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** The UTF-16 offset of a 1-based line and column, as V8 reports them. */
export function offsetOf(source: string, line: number, column: number): number {
  let offset = 0;
  for (let current = 1; current < line; current++) {
    const newline = source.indexOf('\n', offset);
    if (newline === -1) return source.length;
    offset = newline + 1;
  }
  return Math.min(source.length, offset + column - 1);
}

/**
 * The version of the API copy whose code is at `offset` of a bundle: the string literal of that
 * major version nearest before it, else the first after it. The API declares its version
 * (`VERSION = "1.9.1"`) in a module that `internal/global-utils` imports, so a bundler that
 * emits modules in dependency order (esbuild does, for ES module and CommonJS output, minified
 * or not) puts it just before the code that reads the global; from 1.10 the literal is also
 * inlined into `registerGlobal` itself. Between the two only the API's own `internal/semver`
 * module sits, which holds no version literal.
 */
export function versionLiteralNear(source: string, offset: number, major: number): string | undefined {
  const literal = new RegExp(`["'\`](${major}\\.\\d+\\.\\d+(?:-[0-9A-Za-z.-]+)?)["'\`]`, 'g');
  let before: string | undefined;
  for (const match of source.slice(0, offset).matchAll(literal)) before = match[1];
  if (before !== undefined) return before;
  literal.lastIndex = offset;
  return literal.exec(source)?.[1];
}
