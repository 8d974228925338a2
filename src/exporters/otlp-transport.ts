import type { ExportResponse, IExporterTransport } from '@opentelemetry/otlp-exporter-base';
import type { OtlpSettings } from '../config/index.ts';
import { adviceFor, type OtlpSignal } from './export-advice.ts';
import { postOtlp, type OtlpRequestOptions } from './post-otlp.ts';

/**
 * The layer's own transport (post-otlp.ts) for the SDK's metric and log exporters, in place of
 * theirs: the same validated endpoint, headers and User-Agent as spans, one plain-http client, and
 * nothing read from the environment behind the configuration's back (the SDK's exporters merge
 * OTEL_EXPORTER_OTLP_HEADERS in again, unvalidated). A failure's error carries the advice the
 * span exporter logs, naming the signal's variables: the SDK writes that message in its one
 * diagnostic line about the failed export.
 */
export function createOtlpTransport(settings: OtlpSettings, signal: OtlpSignal): IExporterTransport {
  const request: OtlpRequestOptions = {
    url: new URL(settings.url),
    headers: settings.headers,
    contentType: settings.protocol === 'http/json' ? 'application/json' : 'application/x-protobuf',
    gzip: settings.compression === 'gzip',
    timeoutMs: settings.timeoutMs,
  };
  return {
    async send(data: Uint8Array, timeoutMillis: number): Promise<ExportResponse> {
      const outcome = await postOtlp({ ...request, timeoutMs: Math.min(request.timeoutMs, timeoutMillis) }, data);
      if (outcome.ok) return { status: 'success' };
      if (outcome.retryable) return { status: 'retryable', error: outcome.error, ...(outcome.retryAfterMs === undefined ? {} : { retryInMillis: outcome.retryAfterMs }) };
      return { status: 'failure', error: new Error(`${outcome.error.message}. ${adviceFor(outcome.error, signal)}`) };
    },
    shutdown(): void {
      // Connections are shared with the span exporter and never hold the event loop.
    },
  };
}
