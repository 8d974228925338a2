import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
// The JSON trace serializer's own module: the package index also loads the metrics and logs
// serializers, and with them @opentelemetry/sdk-metrics, which a cold start would parse for nothing.
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer/build/esm/trace/json/trace.js';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import type { OtlpSettings } from '../config/index.ts';
import { cancelUnrefTimer, startUnrefTimer } from '../unref-timer.ts';
import { ExportSlots } from './export-slots.ts';
import { OtlpTraceEncoder } from './otlp-trace-encoder.ts';
import { postOtlp, preconnectOtlp, type OtlpRequestOptions, type PostOutcome } from './post-otlp.ts';

const MAX_ATTEMPTS = 3;
const FIRST_BACKOFF_MS = 100;
/**
 * Exports in flight at once, retries included. Each flush that does not wait for its export
 * (after an overrun, in background mode) starts one more; against a collector that never
 * answers they would pile up until the OTLP timeout. Beyond this many the oldest is aborted and
 * its spans counted as dropped: the newest spans are the ones that reach a collector once it
 * answers again.
 */
const MAX_EXPORTS_IN_FLIGHT = 4;

/**
 * OTLP/HTTP span exporter: protobuf through the layer's encoder (see otlp-trace-encoder.ts), JSON
 * through the SDK's serializer, with a transport made for Lambda.
 * The SDK's own transport loads http, https and zlib at start (and builds `http`'s ES module
 * facade, which loads Node's undici), and retries with back-offs of a second and more, which in
 * Lambda run across sandbox freezes. Here built-ins load on first export, and retries of
 * retryable answers (429, 502, 503, 504, network errors) are short and stay within the export
 * timeout; the flush budget bounds what any invocation waits anyway.
 */
export class OtlpHttpSpanExporter implements SpanExporter {
  private readonly request: OtlpRequestOptions;
  private readonly json: boolean;
  private readonly protobuf = new OtlpTraceEncoder();
  private readonly slots = new ExportSlots(MAX_EXPORTS_IN_FLIGHT);
  private stopped = false;

  constructor(settings: OtlpSettings) {
    this.json = settings.protocol === 'http/json';
    this.request = {
      url: new URL(settings.url),
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
      body = this.json ? JsonTraceSerializer.serializeRequest(spans) : this.protobuf.encode(spans);
    } catch (error) {
      return resultCallback({ code: ExportResultCode.FAILED, error: error instanceof Error ? error : new Error(String(error)) });
    }
    if (body === undefined) return resultCallback({ code: ExportResultCode.FAILED, error: new Error('the OTLP serializer returned nothing') });
    void this.slots.run((signal) => this.send(body, signal)).then((outcome) =>
      resultCallback(outcome.ok ? { code: ExportResultCode.SUCCESS } : { code: ExportResultCode.FAILED, error: outcome.error }),
    );
  }

  /**
   * Readies the first export during init: opens its connection, which completes while the
   * runtime loads the handler, and encodes the resource, which every export carries.
   */
  prepare(resource: Resource): void {
    preconnectOtlp(this.request.url);
    if (!this.json) this.protobuf.prepare(resource);
  }

  shutdown(): Promise<void> {
    this.stopped = true;
    return Promise.resolve();
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  private async send(body: Uint8Array, signal: AbortSignal): Promise<PostOutcome> {
    const giveUpAt = Date.now() + this.request.timeoutMs;
    // An Error captures a stack trace, which costs more than the rest of a warm export: only
    // made when no attempt could be sent.
    let outcome: PostOutcome | undefined;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const timeoutMs = giveUpAt - Date.now();
      if (timeoutMs <= 0) break;
      outcome = await postOtlp({ ...this.request, timeoutMs, signal }, body);
      if (outcome.ok || !outcome.retryable || attempt === MAX_ATTEMPTS) break;
      const backoff = outcome.retryAfterMs ?? FIRST_BACKOFF_MS * 2 ** (attempt - 1) * (0.5 + Math.random());
      if (Date.now() + backoff >= giveUpAt || !(await pause(backoff, signal))) break;
    }
    return outcome ?? { ok: false, retryable: false, error: new Error(`no time left to send within ${this.request.timeoutMs} ms`) };
  }
}

/** Waits `ms`, or less if the signal aborts; true if the whole pause passed. */
function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = (): void => {
      cancelUnrefTimer(timer);
      resolve(false);
    };
    const timer = startUnrefTimer(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
