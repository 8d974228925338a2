/**
 * Runs the project's shell scripts (run.sh, samples/<name>/run.sh) as a user would, with a PATH
 * that holds exactly the commands a test chooses: real ones from the system, and stand-ins for
 * the AWS CLI (test/fixtures/command-stand-ins/aws) and for deployment tools (`record-call`,
 * which records its arguments and succeeds).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { REPO_ROOT } from './paths.ts';

const STAND_INS = join(REPO_ROOT, 'test', 'fixtures', 'command-stand-ins');
/** The AWS CLI stand-in (see its header for the variables that steer it). */
export const AWS_STAND_IN = join(STAND_INS, 'aws');
/** A tool stand-in: appends `[name, ...args]` as JSON to TOOL_STAND_IN_LOG and exits 0. */
export const RECORD_CALL = join(STAND_INS, 'record-call');
/** What the samples' deploy scripts need from the system to check and report. */
export const SHELL_COMMANDS = ['bash', 'env', 'node', 'dirname', 'basename', 'sed', 'tail', 'grep'];

export interface Toolbox {
  /** A PATH holding only the toolbox's directory. */
  readonly path: string;
  remove(): void;
}

/** A directory of commands: `real` ones found on this system's PATH, and `standIns` (name → script). */
export function toolbox(real: readonly string[], standIns: Readonly<Record<string, string>> = {}): Toolbox {
  const dir = mkdtempSync(join(tmpdir(), 'toolbox-'));
  for (const name of real) {
    const found = (process.env.PATH ?? '').split(delimiter).map((entry) => join(entry, name)).find((candidate) => existsSync(candidate));
    if (found === undefined) throw new Error(`toolbox: ${name} is not on this system's PATH`);
    symlinkSync(found, join(dir, name));
  }
  for (const [name, script] of Object.entries(standIns)) symlinkSync(script, join(dir, name));
  return { path: dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** This system's PATH without the directories holding `commands` (e.g. a real `aws`). */
export function pathWithout(commands: readonly string[]): string {
  return (process.env.PATH ?? '')
    .split(delimiter)
    .filter((entry) => !commands.some((command) => existsSync(join(entry, command))))
    .join(delimiter);
}

export interface ScriptRun {
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a script to its end with exactly `env` (nothing inherited), stdin closed. */
export function runScript(script: string, args: readonly string[], env: Readonly<Record<string, string>>): Promise<ScriptRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(script, args, { cwd: REPO_ROOT, env: { ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (exitCode) => resolve({ exitCode, stdout, stderr }));
  });
}

/** The calls a stand-in recorded, one argument list each; none when it was never called. */
export function recordedCalls(logFile: string): string[][] {
  if (!existsSync(logFile)) return [];
  return readFileSync(logFile, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as string[]);
}
