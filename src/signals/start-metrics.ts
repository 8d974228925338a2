import { OTLPMetricExporter as OtlpHttpJsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as OtlpHttpProtobufMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import type { Resource } from '@opentelemetry/resources';
import { ConsoleMetricExporter, MeterProvider, PeriodicExportingMetricReader, type PushMetricExporter } from '@opentelemetry/sdk-metrics';
import type { LayerConfig } from '../config/index.ts';
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
  const exporter: PushMetricExporter =
    config.metricsExporter === 'console'
      ? new ConsoleMetricExporter()
      : config.otlpProtocol === 'http/json'
        ? new OtlpHttpJsonMetricExporter()
        : new OtlpHttpProtobufMetricExporter();
  const provider = new MeterProvider({
    resource,
    readers: [new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: BACKSTOP_INTERVAL_MS })],
  });
  return { provider, recordInvocation: createFaasMetrics(provider.getMeter('otel-lambda-layer')) };
}
