/**
 * A throwaway Node project on disk (files under a temporary directory, packages included), and a
 * script run in it by the real Node 22 or 24 binary: for module-loader behaviour that only a
 * fresh process shows (module hooks, `Module._load`, ES module linking), which a jest worker's
 * own module system would hide.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runtimePaths } from '../sandbox/index.ts';
import { REPO_ROOT } from './paths.ts';

export interface ScratchProject {
  readonly dir: string;
  /** Runs `script` (an ES module, written into the project as `main.mjs`) and returns what it printed. */
  run(node: 22 | 24, script: string): { status: number | null; stdout: string; stderr: string };
  remove(): void;
}

/** Creates the project from `files` (relative path → content). */
export function createScratchProject(files: Readonly<Record<string, string>>): ScratchProject {
  const dir = mkdtempSync(join(tmpdir(), 'otel-lambda-scratch-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return {
    dir,
    run(node, script) {
      writeFileSync(join(dir, 'main.mjs'), script);
      const result = spawnSync(runtimePaths(node, 'v4').nodeBinary, [join(dir, 'main.mjs')], { cwd: dir, encoding: 'utf8', timeout: 30_000 });
      return { status: result.status, stdout: result.stdout, stderr: result.stderr };
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** An import specifier for a source file of the layer, usable from a scratch project's script. */
export function layerSource(relativePath: string): string {
  return JSON.stringify(join(REPO_ROOT, 'src', relativePath));
}
