import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
// The serializer's own module: the package index also loads sdk-metrics (see otlp-http-span-exporter.ts).
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer/build/esm/trace/json/trace.js';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { nodeRequire } from '../node-require.ts';

export const STDOUT_FORMAT_VERSION = '0.1.0';

export interface OtlpStdoutOptions {
  readonly gzip: boolean;
  /** Written into each record so a forwarder knows where the payload was meant to go. */
  readonly endpoint: string;
  readonly serviceName: string | undefined;
}

/**
 * Collector-less export: each batch becomes one line on stdout, which Lambda sends to CloudWatch
 * Logs, holding the OTLP/JSON request a collector would have received (optionally gzip +
 * base64). A log subscription or forwarder then posts `payload` to `endpoint`. Costs no network
 * round trip and no extension, at the price of log volume.
 */
export class OtlpStdoutExporter implements SpanExporter {
  private readonly options: OtlpStdoutOptions;
  private readonly write: (line: string) => void;

  constructor(options: OtlpStdoutOptions, write: (line: string) => void = (line) => process.stdout.write(line)) {
    this.options = options;
    this.write = write;
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    try {
      const body = JsonTraceSerializer.serializeRequest(spans);
      if (body === undefined) throw new Error('the OTLP JSON serializer returned nothing');
      const record = {
        __otel_otlp_stdout: STDOUT_FORMAT_VERSION,
        source: this.options.serviceName,
        endpoint: this.options.endpoint,
        method: 'POST',
        'content-type': 'application/json',
        ...(this.options.gzip
          ? { 'content-encoding': 'gzip', payload: (nodeRequire('node:zlib') as typeof import('node:zlib')).gzipSync(body).toString('base64'), base64: true }
          : { payload: JSON.parse(Buffer.from(body).toString('utf8')) as unknown, base64: false }),
      };
      this.write(`${JSON.stringify(record)}\n`);
      resultCallback({ code: ExportResultCode.SUCCESS });
    } catch (error) {
      resultCallback({ code: ExportResultCode.FAILED, error: error instanceof Error ? error : new Error(String(error)) });
    }
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
