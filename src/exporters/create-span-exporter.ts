import { OTLPTraceExporter as OtlpHttpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpHttpProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { ConsoleSpanExporter, type SpanExporter } from '@opentelemetry/sdk-trace';
import type { LayerConfig } from '../config/index.ts';
import { OtlpStdoutExporter } from './otlp-stdout-exporter.ts';

type ExporterFactory = (config: LayerConfig) => SpanExporter;

/**
 * OTEL_TRACES_EXPORTER → exporter. The OTLP exporters read OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT,
 * _HEADERS, _TIMEOUT and _COMPRESSION themselves, as the specification defines them; their
 * default endpoint, http://localhost:4318/v1/traces, is the collector layer's receiver.
 */
const FACTORIES: Record<Exclude<LayerConfig['tracesExporter'], 'none'>, ExporterFactory> = {
  otlp: (config) => (config.otlpProtocol === 'http/json' ? new OtlpHttpJsonExporter() : new OtlpHttpProtobufExporter()),
  console: () => new ConsoleSpanExporter(),
  'otlp-stdout': (config) =>
    new OtlpStdoutExporter({ gzip: config.stdoutCompression === 'gzip', endpoint: config.stdoutEndpoint, serviceName: config.serviceName ?? config.lambda.functionName }),
};

export function createSpanExporter(config: LayerConfig): SpanExporter | undefined {
  return config.tracesExporter === 'none' ? undefined : FACTORIES[config.tracesExporter](config);
}
