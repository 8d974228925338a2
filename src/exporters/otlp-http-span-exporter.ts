import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
// The trace serializers' own modules: the package index also loads the metrics and logs
// serializers, and with them @opentelemetry/sdk-metrics, which a cold start would parse for nothing.
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer/build/esm/trace/json/trace.js';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer/build/esm/trace/protobuf/trace.js';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import type { OtlpSettings } from '../config/index.ts';
import { postOtlp, type OtlpRequestOptions, type PostOutcome } from './post-otlp.ts';

const MAX_ATTEMPTS = 3;
const FIRST_BACKOFF_MS = 100;

/**
 * OTLP/HTTP span exporter: the SDK's serializers, with a transport made for Lambda.
 * The SDK's own transport loads http, https and zlib at start (and builds `http`'s ES module
 * facade, which loads Node's undici), and retries with back-offs of a second and more, which in
 * Lambda run across sandbox freezes. Here built-ins load on first export, and retries of
 * retryable answers (429, 502, 503, 504, network errors) are short and stay within the export
 * timeout; the flush budget bounds what any invocation waits anyway.
 */
export class OtlpHttpSpanExporter implements SpanExporter {
  private readonly request: OtlpRequestOptions;
  private readonly json: boolean;
  private stopped = false;

  constructor(settings: OtlpSettings) {
    this.json = settings.protocol === 'http/json';
    this.request = {
      url: new URL(settings.tracesUrl),
      headers: settings.headers,
      contentType: this.json ? 'application/json' : 'application/x-protobuf',
      gzip: settings.compression === 'gzip',
      timeoutMs: settings.timeoutMs,
    };
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    if (this.stopped) return resultCallback({ code: ExportResultCode.FAILED, error: new Error('the exporter is shut down') });
    let body: Uint8Array | undefined;
    try {
      body = this.json ? JsonTraceSerializer.serializeRequest(spans) : ProtobufTraceSerializer.serializeRequest(spans);
    } catch (error) {
      return resultCallback({ code: ExportResultCode.FAILED, error: error instanceof Error ? error : new Error(String(error)) });
    }
    if (body === undefined) return resultCallback({ code: ExportResultCode.FAILED, error: new Error('the OTLP serializer returned nothing') });
    void this.send(body).then((outcome) =>
      resultCallback(outcome.ok ? { code: ExportResultCode.SUCCESS } : { code: ExportResultCode.FAILED, error: outcome.error }),
    );
  }

  shutdown(): Promise<void> {
    this.stopped = true;
    return Promise.resolve();
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  private async send(body: Uint8Array): Promise<PostOutcome> {
    const giveUpAt = Date.now() + this.request.timeoutMs;
    let outcome: PostOutcome = { ok: false, retryable: false, error: new Error('not sent') };
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const timeoutMs = giveUpAt - Date.now();
      if (timeoutMs <= 0) break;
      outcome = await postOtlp({ ...this.request, timeoutMs }, body);
      if (outcome.ok || !outcome.retryable || attempt === MAX_ATTEMPTS) break;
      const backoff = outcome.retryAfterMs ?? FIRST_BACKOFF_MS * 2 ** (attempt - 1) * (0.5 + Math.random());
      if (Date.now() + backoff >= giveUpAt) break;
      await new Promise((resolve) => setTimeout(resolve, backoff).unref());
    }
    return outcome;
  }
}
