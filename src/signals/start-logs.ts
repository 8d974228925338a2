import { context } from '@opentelemetry/api';
import { SeverityNumber, type Logger } from '@opentelemetry/api-logs';
import { OTLPLogExporter as OtlpHttpJsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as OtlpHttpProtobufLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import type { Resource } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, ConsoleLogRecordExporter, LoggerProvider, type LogRecordExporter } from '@opentelemetry/sdk-logs';
import { formatWithOptions, inspect, types } from 'node:util';
import { readThrown } from '../read-thrown.ts';
import type { LayerConfig } from '../config/index.ts';

const CONSOLE_SEVERITIES = {
  trace: [SeverityNumber.TRACE, 'TRACE'],
  debug: [SeverityNumber.DEBUG, 'DEBUG'],
  info: [SeverityNumber.INFO, 'INFO'],
  log: [SeverityNumber.INFO, 'INFO'],
  warn: [SeverityNumber.WARN, 'WARN'],
  error: [SeverityNumber.ERROR, 'ERROR'],
} as const;

export interface Logs {
  readonly provider: LoggerProvider;
  /** Call once the runtime has set up its own console (it replaces console methods at start). */
  readonly captureConsole: () => void;
}

/** Loaded only when OTEL_LOGS_EXPORTER enables logs (a separate chunk of the bundle). */
export function startLogs(config: LayerConfig, resource: Resource): Logs {
  const exporter: LogRecordExporter =
    config.logsExporter === 'console'
      ? new ConsoleLogRecordExporter()
      : config.otlpProtocol === 'http/json'
        ? new OtlpHttpJsonLogExporter()
        : new OtlpHttpProtobufLogExporter();
  const provider = new LoggerProvider({ resource, processors: [new BatchLogRecordProcessor({ exporter })] });
  const logger = provider.getLogger('otel-lambda-layer');
  let captured = false;
  return {
    provider,
    captureConsole: () => {
      if (captured) return;
      captured = true;
      captureConsoleInto(logger);
    },
  };
}

/**
 * Each console call also becomes a log record, in the active context so it carries the
 * invocation's trace and span ids; the original method still runs with the same arguments, so
 * stdout is unchanged.
 */
function captureConsoleInto(logger: Logger): void {
  const target = console as unknown as Record<string, (...args: unknown[]) => void>;
  for (const [method, [severityNumber, severityText]] of Object.entries(CONSOLE_SEVERITIES)) {
    const original = target[method];
    if (typeof original !== 'function') continue;
    target[method] = function capturedConsoleMethod(this: unknown, ...args: unknown[]): void {
      try {
        logger.emit({ severityNumber, severityText, body: formatWithoutUserCode(args), context: context.active() });
      } catch {
        // A telemetry failure must never cost the user their log line.
      }
      original.apply(this, args);
    };
  }
}

/** Never runs the function's code: no util.inspect.custom, no getters, no Proxy traps, no toString. */
const NO_USER_CODE = { customInspect: false, getters: false, showProxy: true } as const;

/**
 * The record's body: what util.format prints, except that objects are described without running
 * any of their code. The runtime's console already ran the function's inspect hooks and toString
 * once to print the line; running them again would be a side effect the bare runtime does not
 * have. Objects are inspected before formatting, so a `%s` gets their description, not their
 * toString(); an Error is its stack (V8's native one) or its type and message.
 */
export function formatWithoutUserCode(args: readonly unknown[]): string {
  return formatWithOptions(NO_USER_CODE, ...args.map(describeArgument));
}

function describeArgument(arg: unknown): unknown {
  if ((typeof arg !== 'object' || arg === null) && typeof arg !== 'function') return arg;
  if (!types.isProxy(arg) && types.isNativeError(arg)) {
    const thrown = readThrown(arg, true);
    return thrown.stack ?? (thrown.message === undefined ? thrown.type : `${thrown.type}: ${thrown.message}`);
  }
  return inspect(arg, NO_USER_CODE);
}
