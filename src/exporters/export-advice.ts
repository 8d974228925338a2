import { OtlpHttpStatusError } from './post-otlp.ts';

/** The signal whose OTEL_EXPORTER_OTLP_<SIGNAL>_* variables apply to an export. */
export type OtlpSignal = 'TRACES' | 'METRICS' | 'LOGS';

/**
 * What to check, from how an export failed: a 401/403 or 400 is almost always the headers
 * (an expired key, a wrong tenant), anything else the endpoint or the collector. Names the
 * variables only, never their values.
 */
export function adviceFor(error: Error | undefined, signal: OtlpSignal = 'TRACES'): string {
  const status = error instanceof OtlpHttpStatusError ? error.status : undefined;
  const headers = `OTEL_EXPORTER_OTLP_HEADERS and OTEL_EXPORTER_OTLP_${signal}_HEADERS`;
  if (status === 401 || status === 403) {
    return `The endpoint refused the credentials: check the API key or token in ${headers} (and that the endpoint is the one they are for).`;
  }
  if (status === 400) {
    return `The endpoint rejected the request: check the headers in ${headers} (credentials, tenant or dataset names) and the endpoint's path and protocol (OTEL_EXPORTER_OTLP_${signal}_ENDPOINT, OTEL_EXPORTER_OTLP_PROTOCOL).`;
  }
  return 'Check OTEL_EXPORTER_OTLP_ENDPOINT (default http://localhost:4318, the collector layer) and that the collector is running.';
}
