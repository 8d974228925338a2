/**
 * A layer mounted at /opt, as Lambda mounts layers, for layers whose scripts hard-code /opt (the
 * upstream OpenTelemetry layer's `otel-handler` does). Each process of the environment (runtime
 * and external extensions) starts in its own private mount namespace (`unshare --mount`, whose
 * propagation is private, so the host's /opt is untouched), where the layer directory is bound
 * read-only over /opt before the process is exec'd. `unshare` and `sh` exec rather than fork, so
 * the pid the sandbox watches (signals, VmHWM) is the runtime's own. Needs CAP_SYS_ADMIN (root).
 */
import { spawnSync } from 'node:child_process';
import { relative, isAbsolute } from 'node:path';
import type { Command } from './runtime-command.ts';

export const OPT = '/opt';

// $0 is the layer directory, "$@" the command to run once it is mounted at /opt.
const MOUNT_THEN_EXEC = `mount --bind "$0" ${OPT} && mount -o remount,bind,ro ${OPT} && exec "$@"`;

let supported: boolean | undefined;

/** Whether this machine lets the sandbox mount a layer at /opt (root, unshare, mount). */
export function canMountAtOpt(): boolean {
  supported ??= spawnSync('unshare', ['--mount', '--', 'sh', '-c', `mount --bind "$0" ${OPT}`, OPT], { stdio: 'ignore' }).status === 0;
  return supported;
}

/** `command` run with `layerDir` mounted at /opt. */
export function atOpt(layerDir: string, command: Command): Command {
  return { file: 'unshare', args: ['--mount', '--', 'sh', '-c', MOUNT_THEN_EXEC, layerDir, command.file, ...command.args] };
}

/** Where a path inside the layer directory appears to the function: under /opt. */
export function pathAtOpt(layerDir: string, path: string): string {
  const inside = relative(layerDir, path);
  if (inside.startsWith('..') || isAbsolute(inside)) throw new Error(`sandbox: ${path} is not inside the layer ${layerDir}, so it is not under /opt`);
  return inside === '' ? OPT : `${OPT}/${inside}`;
}
