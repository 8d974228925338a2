import { context } from '@opentelemetry/api';
import { SeverityNumber, type Logger } from '@opentelemetry/api-logs';
import { createOtlpNetworkExportDelegate, ExporterMetrics, OTLPExporterBase } from '@opentelemetry/otlp-exporter-base';
// The logs modules of the transformer: its index also loads the metrics serializer and sdk-metrics.
import { LogsExporterMetricsHelper } from '@opentelemetry/otlp-transformer/build/esm/logs/index.js';
import { JsonLogsSerializer } from '@opentelemetry/otlp-transformer/build/esm/logs/json/index.js';
import { ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer/build/esm/logs/protobuf/index.js';
import type { Resource } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, ConsoleLogRecordExporter, LoggerProvider, type LogRecordExporter, type ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { LayerConfig } from '../config/index.ts';
import { formatWithoutUserCode } from './console-format.ts';
import { createOtlpTransport } from '../exporters/otlp-transport.ts';
import { LAYER_SCOPE_NAME, LAYER_VERSION } from '../version.ts';

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
  const exporter: LogRecordExporter = config.logsExporter === 'console' ? new ConsoleLogRecordExporter() : otlpLogExporter(config);
  const provider = new LoggerProvider({ resource, processors: [new BatchLogRecordProcessor({ exporter })] });
  const logger = provider.getLogger(LAYER_SCOPE_NAME, LAYER_VERSION);
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

/** The SDK's OTLP log exporter over the layer's transport (see otlp-transport.ts). */
function otlpLogExporter(config: LayerConfig): LogRecordExporter {
  const settings = config.otlpLogs;
  const serializer = settings.protocol === 'http/json' ? JsonLogsSerializer : ProtobufLogsSerializer;
  const selfMetrics = new ExporterMetrics<ReadableLogRecord[]>({ componentType: 'otlp_http_log_exporter', metricsHelper: LogsExporterMetricsHelper, url: settings.url, meterProvider: undefined, responseAttributesFromError: () => ({}) });
  return new OTLPExporterBase<ReadableLogRecord[]>(
    createOtlpNetworkExportDelegate({ timeoutMillis: settings.timeoutMs, concurrencyLimit: 4, compression: 'none' }, serializer, selfMetrics, createOtlpTransport(settings, 'LOGS')),
  );
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
