import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import { log, type LogLevel } from '../log.ts';

const MAX_DISTINCT_MESSAGES = 20;

const DIAG_LEVELS: Record<LogLevel, DiagLogLevel> = {
  none: DiagLogLevel.NONE,
  error: DiagLogLevel.ERROR,
  warn: DiagLogLevel.WARN,
  info: DiagLogLevel.INFO,
  debug: DiagLogLevel.DEBUG,
};

/**
 * Sends the OpenTelemetry SDK's own diagnostics through the layer's log, one line each, with
 * the same prefix. A failing collector makes the SDK repeat the same error on every export;
 * each distinct message is written once (and at most 20 of them), so logs stay readable and
 * cheap.
 */
export function routeDiagnostics(level: LogLevel): void {
  const seen = new Set<string>();
  const once = (write: (message: string) => void) => (message: string, ...args: unknown[]): void => {
    const line = [message, ...args.map(describeArgument)].join(' ').replace(/\s+/g, ' ').slice(0, 500);
    if (seen.has(line) || seen.size >= MAX_DISTINCT_MESSAGES) return;
    seen.add(line);
    write(`opentelemetry: ${line}`);
  };
  const warn = once(log.warn);
  const logger: DiagLogger = {
    error: once(log.error),
    warn: (message: string, ...args: unknown[]) => (isReplacedNotice(message) ? log.debug(REPLACED) : warn(message, ...args)),
    info: once(log.info),
    debug: once(log.debug),
    verbose: once(log.debug),
  };
  diag.setLogger(logger, { logLevel: DIAG_LEVELS[level], suppressOverrideMessage: true });
}

/**
 * `diag.setLogger` tells the logger it replaces, with a stack trace, unless asked not to (the
 * API's `api/diag.ts`). A function's own API copy setting its own logger is no problem to
 * report: its copy's diagnostics go to that logger, the layer's stay in the layer's log (see
 * src/api-bridge/api-registry.ts).
 */
const REPLACED = 'the function set its own OpenTelemetry diag logger (diag.setLogger): its API copy logs there, the layer keeps logging here.';

function isReplacedNotice(message: unknown): boolean {
  return typeof message === 'string' && message.startsWith('Current logger will be overwritten');
}

function describeArgument(argument: unknown): string {
  if (argument instanceof Error) return `${argument.name}: ${argument.message}`;
  if (typeof argument === 'string') return argument;
  try {
    return JSON.stringify(argument);
  } catch {
    return String(argument);
  }
}
