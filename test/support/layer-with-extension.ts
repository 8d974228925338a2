import { chmodSync, copyFileSync, cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { REPO_ROOT, UNPACKED_LAYER_DIR } from './paths.ts';

/**
 * An external extension that registers for SHUTDOWN and waits for it. Lambda sends SIGTERM to the
 * runtime only when an extension is registered, so shutdown tests add this one.
 */
export const SHUTDOWN_LISTENER = join(REPO_ROOT, 'test', 'fixtures', 'extensions', 'shutdown-listener');

export interface LayerCopy {
  /** The /opt-like directory. */
  readonly dir: string;
  /** `<dir>/otel-handler`, or undefined for a copy without our layer. */
  readonly execWrapper: string | undefined;
  remove(): void;
}

/**
 * A temporary /opt-like directory holding the given external extension in `extensions/`, and,
 * with `withLayer`, the built layer as unpacked for the end-to-end tests (like a function with
 * our layer and another extension's layer; without it, like a function with the other layer only).
 */
export function layerDirWithExtension(extension: string, withLayer: boolean): LayerCopy {
  const dir = mkdtempSync(join(tmpdir(), withLayer ? 'layer-with-extension-' : 'extension-only-'));
  if (withLayer) cpSync(UNPACKED_LAYER_DIR, dir, { recursive: true });
  mkdirSync(join(dir, 'extensions'), { recursive: true });
  const target = join(dir, 'extensions', basename(extension));
  copyFileSync(extension, target);
  chmodSync(target, 0o755);
  return {
    dir,
    execWrapper: withLayer ? join(dir, 'otel-handler') : undefined,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
