/**
 * Reads the instructions of a single-stage Dockerfile that a container engine would need only to
 * copy files: FROM, ARG, ENV, WORKDIR, COPY, CMD, LABEL. Anything that runs code in the image
 * (RUN) or replaces the Lambda base image's entrypoint cannot be reproduced without an engine
 * and is refused, so a reproduction never silently differs from the image.
 * Syntax: https://docs.docker.com/reference/dockerfile/ (line continuation, JSON and shell forms,
 * variable substitution with $VAR, ${VAR} and ${VAR:-default}).
 */
import { posix } from 'node:path';

export interface ImageCopy {
  /** Paths relative to the build context. */
  readonly sources: readonly string[];
  /** Absolute path in the image. */
  readonly destination: string;
}

export interface ImageRecipe {
  readonly baseImage: string;
  /** Variables the Dockerfile sets with ENV (the base image's own are not included). */
  readonly env: Readonly<Record<string, string>>;
  readonly copies: readonly ImageCopy[];
  /** CMD as a list (for a Lambda image: the handler). */
  readonly cmd: readonly string[];
  readonly workdir: string;
}

/** What a base image brings: its variables and working directory. */
export interface BaseImage {
  readonly env: Readonly<Record<string, string>>;
  readonly workdir: string;
}

const IGNORED = new Set(['LABEL', 'EXPOSE', 'STOPSIGNAL', 'HEALTHCHECK', 'SHELL', 'USER', 'VOLUME', 'MAINTAINER']);

export function parseDockerfile(text: string, baseImages: (image: string) => BaseImage): ImageRecipe {
  let baseImage: string | undefined;
  let base: BaseImage = { env: {}, workdir: '/' };
  const args: Record<string, string> = {};
  const env: Record<string, string> = {};
  const copies: ImageCopy[] = [];
  let cmd: string[] = [];
  let workdir = '/';
  const vars = (): Record<string, string> => ({ ...args, ...base.env, ...env });

  for (const { keyword, rest, line } of instructions(text)) {
    const where = `Dockerfile line ${line}: ${keyword}`;
    if (keyword === 'FROM') {
      if (baseImage !== undefined) throw new Error(`${where}: multi-stage builds are not reproduced`);
      baseImage = substitute(rest.split(/\s+/)[0] ?? '', args);
      base = baseImages(baseImage);
      workdir = base.workdir;
    } else if (keyword === 'ARG') {
      const [name = '', value] = splitOnce(rest, /=/);
      args[name] = value === undefined ? (args[name] ?? '') : unquote(value);
    } else if (keyword === 'ENV') {
      for (const [name, value] of envPairs(rest)) env[name] = substitute(value, vars());
    } else if (keyword === 'WORKDIR') {
      workdir = posix.resolve(workdir, substitute(rest, vars()));
    } else if (keyword === 'COPY') {
      copies.push(copyOf(rest, vars(), workdir, where));
    } else if (keyword === 'CMD') {
      // The shell form runs under /bin/sh -c, which the Lambda entrypoint would take as the handler.
      cmd = rest.startsWith('[') ? (JSON.parse(rest) as string[]) : ['/bin/sh', '-c', rest];
    } else if (!IGNORED.has(keyword)) {
      throw new Error(`${where} cannot be reproduced without a container engine`);
    }
  }
  if (baseImage === undefined) throw new Error('Dockerfile has no FROM');
  return { baseImage, env, copies, cmd, workdir };
}

interface Instruction {
  keyword: string;
  rest: string;
  line: number;
}

/** Logical lines: comments dropped, `\`-continued lines joined. */
function* instructions(text: string): Generator<Instruction> {
  let pending = '';
  let startLine = 0;
  const lines = text.split(/\r?\n/);
  for (const [index, raw] of lines.entries()) {
    if (/^\s*#/.test(raw)) continue;
    if (pending === '') startLine = index + 1;
    const continued = /\\\s*$/.test(raw);
    pending += `${continued ? raw.replace(/\\\s*$/, '') : raw} `;
    if (continued) continue;
    const logical = pending.trim();
    pending = '';
    if (logical === '') continue;
    const [keyword = '', rest = ''] = splitOnce(logical, /\s+/);
    yield { keyword: keyword.toUpperCase(), rest: rest.trim(), line: startLine };
  }
}

function splitOnce(text: string, separator: RegExp): [string, string | undefined] {
  const found = separator.exec(text);
  if (found === null) return [text, undefined];
  return [text.slice(0, found.index), text.slice(found.index + found[0].length)];
}

function unquote(value: string): string {
  return /^(["']).*\1$/.test(value) ? value.slice(1, -1) : value;
}

/** `ENV a=1 b="two words"` or the legacy `ENV a value with spaces`. */
function envPairs(rest: string): Array<[string, string]> {
  if (!/^[\w.-]+=/.test(rest)) {
    const [name = '', value = ''] = splitOnce(rest, /\s+/);
    return [[name, value]];
  }
  const pairs: Array<[string, string]> = [];
  for (const match of rest.matchAll(/([\w.-]+)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)/g)) pairs.push([match[1] ?? '', unquote(match[2] ?? '')]);
  return pairs;
}

/** `$VAR`, `${VAR}`, `${VAR:-default}`; an unset variable is empty, as in a build. */
export function substitute(value: string, vars: Record<string, string>): string {
  return value.replace(/\$\{(\w+)(?::-([^}]*))?\}|\$(\w+)/g, (_, braced: string | undefined, fallback: string | undefined, bare: string | undefined) => {
    const name = braced ?? bare ?? '';
    return vars[name] ?? fallback ?? '';
  });
}

function copyOf(rest: string, vars: Record<string, string>, workdir: string, where: string): ImageCopy {
  const words = rest.startsWith('[') ? (JSON.parse(rest) as string[]) : rest.split(/\s+/);
  const flags = words.filter((word) => word.startsWith('--'));
  if (flags.some((flag) => flag.startsWith('--from'))) throw new Error(`${where}: --from (multi-stage) is not reproduced`);
  const paths = words.filter((word) => !word.startsWith('--')).map((word) => substitute(word, vars));
  if (paths.length < 2) throw new Error(`${where}: needs a source and a destination`);
  if (paths.some((path) => /[*?[]/.test(path))) throw new Error(`${where}: wildcards are not reproduced`);
  const destination = paths[paths.length - 1] ?? '';
  const absolute = posix.resolve(workdir, destination) + (destination.endsWith('/') ? '/' : '');
  return { sources: paths.slice(0, -1), destination: absolute };
}
