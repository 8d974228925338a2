import { ConsoleSpanExporter, type SpanExporter } from '@opentelemetry/sdk-trace';
import type { LayerConfig } from '../config/index.ts';
import { FanOutExporter } from './fan-out-exporter.ts';
import { OtlpHttpSpanExporter } from './otlp-http-span-exporter.ts';
import { OtlpStdoutExporter } from './otlp-stdout-exporter.ts';

type ExporterFactory = (config: LayerConfig) => SpanExporter;

/** OTEL_TRACES_EXPORTER → exporter; the default endpoint, http://localhost:4318, is the collector layer's. */
const FACTORIES: Record<LayerConfig['tracesExporters'][number], ExporterFactory> = {
  otlp: (config) => new OtlpHttpSpanExporter(config.otlp),
  console: () => new ConsoleSpanExporter(),
  'otlp-stdout': (config) =>
    new OtlpStdoutExporter({ gzip: config.stdoutCompression === 'gzip', endpoint: config.stdoutEndpoint, serviceName: config.serviceName ?? config.lambda.functionName }),
};

/** The configured exporters as one; undefined for `none`. */
export function createSpanExporter(config: LayerConfig): { exporter: SpanExporter; otlp: OtlpHttpSpanExporter | undefined } | undefined {
  const exporters = config.tracesExporters.map((name) => FACTORIES[name](config));
  const [first] = exporters;
  if (first === undefined) return undefined;
  const otlp = exporters.find((exporter): exporter is OtlpHttpSpanExporter => exporter instanceof OtlpHttpSpanExporter);
  return { exporter: exporters.length === 1 ? first : new FanOutExporter(exporters), otlp };
}
