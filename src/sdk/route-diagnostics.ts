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
  const logger: DiagLogger = {
    error: once(log.error),
    warn: once(log.warn),
    info: once(log.info),
    debug: once(log.debug),
    verbose: once(log.debug),
  };
  diag.setLogger(logger, { logLevel: DIAG_LEVELS[level], suppressOverrideMessage: true });
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
