/**
 * The command line the managed Node.js runtime's bootstrap (/var/runtime/bootstrap) execs:
 *
 *   exec -- "$AWS_LAMBDA_EXEC_WRAPPER" /var/lang/bin/node $NODE_ARGS /var/runtime/index.mjs
 *
 * with NODE_ARGS = --expose-gc --max-http-header-size 81920 plus heap limits derived from
 * AWS_LAMBDA_FUNCTION_MEMORY_SIZE. The formula is the one public copies of that bootstrap use
 * (an approximation; AWS does not document it):
 *   new_space = memory / 10;  semi_space = new_space / 2;  old_space = memory - new_space   (MB, integer division)
 * e.g. 1024 MB → --max-semi-space-size=51 --max-old-space-size=922.
 */
import type { ResolvedSpec, RuntimePaths } from './function-spec.ts';
import { atOpt, pathAtOpt } from './opt-mount.ts';

export function memoryArgs(memoryMb: number): string[] {
  const newSpace = Math.floor(memoryMb / 10);
  const semiSpace = Math.floor(newSpace / 2);
  const oldSpace = memoryMb - newSpace;
  return [`--max-semi-space-size=${semiSpace}`, `--max-old-space-size=${oldSpace}`];
}

export function nodeArgs(memoryMb: number): string[] {
  return ['--expose-gc', '--max-http-header-size', '81920', ...memoryArgs(memoryMb)];
}

export interface Command {
  file: string;
  args: string[];
}

export function runtimeCommand(spec: ResolvedSpec, paths: RuntimePaths): Command {
  // ric v3's published entry takes the handler as its argument; v4 (like /var/runtime/index.mjs) reads _HANDLER.
  const ricArgs = spec.ric === 'v3' ? [paths.ricEntry, spec.handler] : [paths.ricEntry];
  const argv = [paths.nodeBinary, ...nodeArgs(spec.memoryMb), ...ricArgs];
  const direct = { file: argv[0] as string, args: argv.slice(1) };
  if (spec.mountLayerAtOpt === true && spec.layerDir !== undefined) {
    return atOpt(spec.layerDir, spec.execWrapper ? { file: pathAtOpt(spec.layerDir, spec.execWrapper), args: argv } : direct);
  }
  if (spec.execWrapper) return { file: spec.execWrapper, args: argv };
  return direct;
}
