/**
 * The name a module is listed under in the catalogue, from what the code asked for:
 * `node:http` → `http`, `@scope/name/sub` → `@scope/name`, `name/sub` → `name` (built-in
 * subpaths such as `fs/promises` are listed as such and matched first by the caller);
 * relative and absolute paths → ''.
 */
export function moduleNameOf(id: string): string {
  const first = id.charCodeAt(0);
  // '.' or '/'
  if (first === 46 || first === 47) return '';
  const bare = id.startsWith('node:') ? id.slice(5) : id;
  const slash = bare.indexOf('/');
  if (slash === -1) return bare;
  if (bare.charCodeAt(0) !== 64 /* '@' */) return bare.slice(0, slash);
  const second = bare.indexOf('/', slash + 1);
  return second === -1 ? bare : bare.slice(0, second);
}

const NODE_MODULES = '/node_modules/';

/** Where a file's package lives, and its name: the innermost `node_modules` directory counts. */
export interface PackageOfFile {
  readonly name: string;
  /** The package's directory (holds its package.json). */
  readonly dir: string;
}

/**
 * The package an absolute file path belongs to (`…/node_modules/@scope/name/lib/a.js` →
 * `@scope/name`), or undefined for a file outside any `node_modules` (the function's own code).
 */
export function packageOfFile(filename: string): PackageOfFile | undefined {
  const start = filename.lastIndexOf(NODE_MODULES);
  if (start === -1) return undefined;
  const nameStart = start + NODE_MODULES.length;
  let end = filename.indexOf('/', nameStart);
  if (end !== -1 && filename.charCodeAt(nameStart) === 64 /* '@' */) end = filename.indexOf('/', end + 1);
  // A file directly in node_modules (or a bare scope directory) is no package's file.
  if (end === -1 || end === nameStart) return undefined;
  return { name: filename.slice(nameStart, end), dir: filename.slice(0, end) };
}
