/**
 * A child process in its own process group, so that it and anything it started can be killed
 * together (a wrapper that forks instead of exec-ing must not leave node behind).
 * Output is split into timestamped lines.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import { nowMs } from './http-io.ts';
import { createDeferred } from './deferred.ts';
import { readTelemetryFrames, TELEMETRY_LOG_FD } from './telemetry-log.ts';

export interface LogLine {
  /** Epoch ms. */
  at: number;
  /** `runtime` or `extension:<name>`. */
  source: string;
  /** Telemetry frames count as stdout: CloudWatch shows both alike. */
  stream: 'stdout' | 'stderr';
  line: string;
  /** Set when the line came as a frame on the telemetry log fd (its text without the trailing newline). */
  telemetry?: { format: 'text' | 'json'; level: string };
}

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  at: number;
}

export interface ManagedProcessOptions {
  file: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  source: string;
  /** Lines are appended here as they arrive. */
  sink: LogLine[];
  echo?: boolean;
  /** Open Lambda's telemetry log fd (TELEMETRY_LOG_FD) for the process and record its frames. */
  telemetryLog?: boolean;
}

function splitLines(stream: Readable, onLine: (line: string) => void): void {
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (text: string) => {
    const parts = (pending + text).split('\n');
    pending = parts.pop() ?? '';
    for (const part of parts) onLine(part);
  });
  stream.on('end', () => {
    if (pending !== '') onLine(pending);
  });
}

export class ManagedProcess {
  readonly pid: number;
  readonly source: string;
  readonly startedAt: number;
  /** Resolves when the process exits (never rejects; a spawn failure counts as exit code 127). */
  readonly exited: Promise<ProcessExit>;
  readonly #child: ChildProcess;
  #exit: ProcessExit | undefined;

  constructor(opts: ManagedProcessOptions) {
    this.source = opts.source;
    this.startedAt = nowMs();
    const done = createDeferred<ProcessExit>();
    this.exited = done.promise;
    this.#child = spawn(opts.file, opts.args, {
      cwd: opts.cwd,
      env: opts.env,
      detached: true,
      stdio: opts.telemetryLog ? ['ignore', 'pipe', 'pipe', 'pipe'] : ['ignore', 'pipe', 'pipe'],
    });
    this.pid = this.#child.pid ?? -1;
    const record = (stream: 'stdout' | 'stderr') => (line: string) => {
      opts.sink.push({ at: nowMs(), source: opts.source, stream, line });
      if (opts.echo) process.stderr.write(`[${opts.source}] ${line}\n`);
    };
    if (this.#child.stdout) splitLines(this.#child.stdout, record('stdout'));
    if (this.#child.stderr) splitLines(this.#child.stderr, record('stderr'));
    const telemetry = opts.telemetryLog ? (this.#child.stdio[TELEMETRY_LOG_FD] as Readable | null | undefined) : undefined;
    if (telemetry) {
      readTelemetryFrames(
        telemetry,
        (frame) => {
          const line = frame.format === 'text' && frame.message.endsWith('\n') ? frame.message.slice(0, -1) : frame.message;
          opts.sink.push({ at: nowMs(), source: opts.source, stream: 'stdout', line, telemetry: { format: frame.format, level: frame.level } });
          if (opts.echo) process.stderr.write(`[${opts.source}] ${line}\n`);
        },
        record('stderr'),
      );
    }
    const finish = (exit: ProcessExit): void => {
      if (this.#exit) return;
      this.#exit = exit;
      done.resolve(exit);
    };
    this.#child.on('error', (err) => {
      record('stderr')(`spawn failed: ${err.message}`);
      finish({ code: 127, signal: null, at: nowMs() });
    });
    // 'close' waits for stdio to drain, so the last lines are recorded before callers see the exit.
    this.#child.on('close', (code, signal) => finish({ code, signal, at: nowMs() }));
  }

  get exit(): ProcessExit | undefined {
    return this.#exit;
  }

  get running(): boolean {
    return this.#exit === undefined;
  }

  /** Signals the whole process group; harmless if it is already gone. */
  signal(sig: NodeJS.Signals): void {
    if (this.pid <= 0) return;
    try {
      process.kill(-this.pid, sig);
    } catch {
      // ESRCH: already gone.
    }
  }
}
