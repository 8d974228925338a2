/** The layer under test: built if missing, copied out of dist/ and unpacked like Lambda's /opt. */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, copyFileSync, existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { LAYER_ZIP, REPO_ROOT } from '../support/paths.ts';
import { unzipTo } from '../support/unzip.ts';
import { UsageError } from './options.ts';

export interface LayerFiles {
  /** The /opt-like directory. */
  dir: string;
  /** Bytes of the zip, when the layer came from one. */
  zipBytes?: number;
  unzippedBytes: number;
  fileCount: number;
}

/** Runs `npm run build` when dist/ has no layer zip. */
export function ensureLayerZip(): string {
  if (existsSync(LAYER_ZIP)) return LAYER_ZIP;
  process.stderr.write(`${LAYER_ZIP} is missing: running npm run build\n`);
  const build = spawnSync('npm', ['run', 'build'], { cwd: REPO_ROOT, stdio: ['ignore', process.stderr, process.stderr] });
  if (build.status !== 0 || !existsSync(LAYER_ZIP)) throw new Error(`npm run build failed (exit ${String(build.status)})`);
  return LAYER_ZIP;
}

/**
 * Copies the zip into `workDir` first (a concurrent `npm run build` empties dist/), then unpacks
 * it into `<workDir>/opt`.
 */
export async function unpackLayer(zipPath: string, workDir: string): Promise<LayerFiles> {
  const copy = join(workDir, 'layer.zip');
  copyFileSync(zipPath, copy);
  const dir = join(workDir, 'opt');
  await unzipTo(copy, dir);
  return { ...describeLayerDir(dir), zipBytes: statSync(copy).size };
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return listFiles(path);
    return entry.isFile() ? [path] : [];
  });
}

/** Unzipped size and file count of a layer directory. */
export function describeLayerDir(dir: string): LayerFiles {
  const files = listFiles(dir);
  return { dir, unzippedBytes: files.reduce((sum, file) => sum + statSync(file).size, 0), fileCount: files.length };
}

/** Another layer to measure beside ours: its directory must hold an executable exec wrapper. */
export function describeCompareLayer(dir: string, wrapper: string): LayerFiles {
  try {
    accessSync(join(dir, wrapper), constants.X_OK);
  } catch {
    throw new UsageError(`--compare ${dir}: no executable exec wrapper ${wrapper} in it (see --compare-wrapper)`);
  }
  return describeLayerDir(dir);
}
