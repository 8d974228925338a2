import type { ExportResponse, IExporterTransport } from '@opentelemetry/otlp-exporter-base';
import type { OtlpSettings } from '../config/index.ts';
import { postOtlp, type OtlpRequestOptions } from './post-otlp.ts';

/**
 * The layer's own transport (post-otlp.ts) for the SDK's metric and log exporters, in place of
 * theirs: the same validated endpoint, headers and User-Agent as spans, one plain-http client, and
 * nothing read from the environment behind the configuration's back (the SDK's exporters merge
 * OTEL_EXPORTER_OTLP_HEADERS in again, unvalidated).
 */
export function createOtlpTransport(settings: OtlpSettings): IExporterTransport {
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
      return outcome.retryable ? { status: 'retryable', error: outcome.error, ...(outcome.retryAfterMs === undefined ? {} : { retryInMillis: outcome.retryAfterMs }) } : { status: 'failure', error: outcome.error };
    },
    shutdown(): void {
      // Connections are shared with the span exporter and never hold the event loop.
    },
  };
}
