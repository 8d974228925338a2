/**
 * The command line the managed Node.js runtime's bootstrap (/var/runtime/bootstrap) execs:
 *
 *   exec -- "$AWS_LAMBDA_EXEC_WRAPPER" /var/lang/bin/node $NODE_ARGS /var/runtime/index.mjs
 *
 * with NODE_ARGS = --expose-gc --max-http-header-size 81920 plus heap limits derived from
 * AWS_LAMBDA_FUNCTION_MEMORY_SIZE. The formula is the one public copies of that bootstrap use
 * (an approximation; AWS does not document it):
 *   new_space = memory / 10;  semi_space = new_space / 2;  old_space = memory - new_space   (MB, integer division)
 * e.g. 1024 MB → --max-semi-space-size=51 --max-old-space-size=922. The heap limits are left out
 * when the function's NODE_OPTIONS sets either (`--max-semi-space-size`, `--max_old_space_size`, …).
 *
 * The bootstrap is a shell script (`/bin/sh`, which is bash on Amazon Linux 2023), so the process
 * starts through bash's `exec`, which exports PWD and SHLVL: the runtime process sees them with and
 * without an exec wrapper, and so does it here.
 */
import type { ResolvedSpec, RuntimePaths } from './function-spec.ts';

export function memoryArgs(memoryMb: number): string[] {
  const newSpace = Math.floor(memoryMb / 10);
  const semiSpace = Math.floor(newSpace / 2);
  const oldSpace = memoryMb - newSpace;
  return [`--max-semi-space-size=${semiSpace}`, `--max-old-space-size=${oldSpace}`];
}

const HEAP_OPTIONS = ['--max_semi_space_size', '--max_old_space_size', '--max-semi-space-size', '--max-old-space-size'];

export function nodeArgs(memoryMb: number, userNodeOptions: string | undefined = undefined): string[] {
  const userSetsHeap = HEAP_OPTIONS.some((option) => userNodeOptions?.includes(option) === true);
  return ['--expose-gc', '--max-http-header-size', '81920', ...(userSetsHeap ? [] : memoryArgs(memoryMb))];
}

export interface Command {
  file: string;
  args: string[];
}

/** What the bootstrap execs: the exec wrapper if any, then node, its arguments and the runtime client's entry. */
export function bootstrapArgv(spec: ResolvedSpec, paths: RuntimePaths): string[] {
  // ric v3's published entry takes the handler as its argument; v4 (like /var/runtime/index.mjs) reads _HANDLER.
  const ricArgs = spec.ric === 'v3' ? [paths.ricEntry, spec.handler] : [paths.ricEntry];
  const argv = [paths.nodeBinary, ...nodeArgs(spec.memoryMb, spec.env?.['NODE_OPTIONS']), ...ricArgs];
  return spec.execWrapper ? [spec.execWrapper, ...argv] : argv;
}

/** The bootstrap's `exec`, through bash as on Lambda. */
export function runtimeCommand(spec: ResolvedSpec, paths: RuntimePaths): Command {
  return { file: '/bin/bash', args: ['-c', 'exec -- "$@"', 'bootstrap', ...bootstrapArgv(spec, paths)] };
}
