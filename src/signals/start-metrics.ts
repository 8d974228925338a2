import { OTLPMetricExporterBase } from '@opentelemetry/exporter-metrics-otlp-http';
import { createOtlpNetworkExportDelegate, ExporterMetrics } from '@opentelemetry/otlp-exporter-base';
import { JsonMetricsSerializer, MetricsExporterMetricsHelper, ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import type { Resource } from '@opentelemetry/resources';
import { ConsoleMetricExporter, MeterProvider, PeriodicExportingMetricReader, type PushMetricExporter } from '@opentelemetry/sdk-metrics';
import type { LayerConfig } from '../config/index.ts';
import { createOtlpTransport } from '../exporters/otlp-transport.ts';
import { LAYER_SCOPE_NAME, LAYER_VERSION } from '../version.ts';
import { createFaasMetrics, type InvocationRecorder } from './faas-metrics.ts';

// Metrics are exported with each invocation's flush; the periodic timer is only a backstop
// for long-lived Managed Instances.
const BACKSTOP_INTERVAL_MS = 60_000;

export interface Metrics {
  readonly provider: MeterProvider;
  readonly recordInvocation: InvocationRecorder;
}

/** Loaded only when OTEL_METRICS_EXPORTER enables metrics (a separate chunk of the bundle). */
export function startMetrics(config: LayerConfig, resource: Resource): Metrics {
  const exporter: PushMetricExporter = config.metricsExporter === 'console' ? new ConsoleMetricExporter() : otlpMetricExporter(config);
  const provider = new MeterProvider({
    resource,
    readers: [new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: BACKSTOP_INTERVAL_MS })],
  });
  return { provider, recordInvocation: createFaasMetrics(provider.getMeter(LAYER_SCOPE_NAME, LAYER_VERSION)) };
}

/** The SDK's OTLP metric exporter over the layer's transport (see otlp-transport.ts). */
function otlpMetricExporter(config: LayerConfig): PushMetricExporter {
  const settings = config.otlpMetrics;
  const serializer = settings.protocol === 'http/json' ? JsonMetricsSerializer : ProtobufMetricsSerializer;
  const selfMetrics = new ExporterMetrics({ componentType: 'otlp_http_metric_exporter', metricsHelper: MetricsExporterMetricsHelper, url: settings.url, meterProvider: undefined, responseAttributesFromError: () => ({}) });
  const delegate = createOtlpNetworkExportDelegate({ timeoutMillis: settings.timeoutMs, concurrencyLimit: 4, compression: 'none' }, serializer, selfMetrics, createOtlpTransport(settings));
  // npm nests private copies of otlp-exporter-base under the metrics exporter, so the types are
  // distinct; the build resolves every @opentelemetry package to the one top-level copy.
  return new OTLPMetricExporterBase(delegate as unknown as ConstructorParameters<typeof OTLPMetricExporterBase>[0]);
}
