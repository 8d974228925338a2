import { describeThrown } from './read-thrown.ts';

/**
 * The layer's own log lines: one prefix, one line per event, written to stderr so they
 * never mix into a function's stdout protocol (e.g. OTLP-over-stdout or JSON logs).
 */
export const LOG_PREFIX = '[otel-lambda]';

export type LogLevel = 'none' | 'error' | 'warn' | 'info' | 'debug';

const LEVEL_RANK: Record<LogLevel, number> = { none: 0, error: 1, warn: 2, info: 3, debug: 4 };

let threshold: LogLevel = 'warn';

export function setLogLevel(level: LogLevel): void {
  threshold = level;
}

function write(level: Exclude<LogLevel, 'none'>, message: string): void {
  if (LEVEL_RANK[level] > LEVEL_RANK[threshold]) return;
  // process.stderr.write bypasses the runtime's console patch, which would add a request id
  // and turn one line into a structured record the user did not write.
  process.stderr.write(`${LOG_PREFIX} ${level.toUpperCase()} ${message}\n`);
}

export const log = {
  error: (message: string): void => write('error', message),
  warn: (message: string): void => write('warn', message),
  info: (message: string): void => write('info', message),
  debug: (message: string): void => write('debug', message),
  isDebug: (): boolean => LEVEL_RANK[threshold] >= LEVEL_RANK.debug,
};

/**
 * Describes any thrown value in one line, without a stack and without running any of its code
 * (a hook's or the function's error may have throwing getters or be a Proxy).
 */
export function describeError(error: unknown): string {
  return describeThrown(error);
}
