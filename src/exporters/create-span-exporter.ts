import { ConsoleSpanExporter, type SpanExporter } from '@opentelemetry/sdk-trace';
import type { LayerConfig } from '../config/index.ts';
import { OtlpHttpSpanExporter } from './otlp-http-span-exporter.ts';
import { OtlpStdoutExporter } from './otlp-stdout-exporter.ts';

type ExporterFactory = (config: LayerConfig) => SpanExporter;

/** OTEL_TRACES_EXPORTER → exporter; the default endpoint, http://localhost:4318, is the collector layer's. */
const FACTORIES: Record<Exclude<LayerConfig['tracesExporter'], 'none'>, ExporterFactory> = {
  // The batch processor's export timeout (OTEL_BSP_EXPORT_TIMEOUT) bounds an export too.
  otlp: (config) => new OtlpHttpSpanExporter({ ...config.otlp, timeoutMs: Math.min(config.otlp.timeoutMs, config.batch.exportTimeoutMs) }),
  console: () => new ConsoleSpanExporter(),
  'otlp-stdout': (config) =>
    new OtlpStdoutExporter({ gzip: config.stdoutCompression === 'gzip', endpoint: config.stdoutEndpoint, serviceName: config.serviceName ?? config.lambda.functionName }),
};

export function createSpanExporter(config: LayerConfig): SpanExporter | undefined {
  return config.tracesExporter === 'none' ? undefined : FACTORIES[config.tracesExporter](config);
}
