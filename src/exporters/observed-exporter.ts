import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { log } from '../log.ts';
import { OtlpHttpStatusError } from './post-otlp.ts';

const REPORT_INTERVAL_MS = 60_000;

/** What the flush strategies need to know of the exporter's health. */
export interface ExportHealth {
  /** False from a failed export until the next successful one. */
  readonly healthy: boolean;
  readonly exportedSpans: number;
  readonly droppedSpans: number;
}

/**
 * Wraps the span exporter to count what reached the collector and what was lost, and to tell
 * the flush strategies when the collector is failing, so they stop making invocations wait
 * for it. Losses are reported in one log line, then at most once a minute with the running
 * count: a dead collector must not add a log line per invocation.
 */
export class ObservedExporter implements SpanExporter, ExportHealth {
  healthy = true;
  exportedSpans = 0;
  droppedSpans = 0;
  private lastReportAt = Number.NEGATIVE_INFINITY;
  private readonly inner: SpanExporter;

  constructor(inner: SpanExporter) {
    this.inner = inner;
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.inner.export(spans, (result) => {
      if (result.code === ExportResultCode.SUCCESS) {
        this.exportedSpans += spans.length;
        if (!this.healthy) {
          this.healthy = true;
          log.info(`span export recovered; ${this.droppedSpans} span(s) were lost while it failed.`);
        }
      } else {
        this.healthy = false;
        this.droppedSpans += spans.length;
        this.reportLoss(result.error);
      }
      resultCallback(result);
    });
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }

  private reportLoss(error: Error | undefined): void {
    const now = Date.now();
    if (now - this.lastReportAt < REPORT_INTERVAL_MS) return;
    this.lastReportAt = now;
    log.warn(`span export failed (${error?.message ?? 'unknown error'}); ${this.droppedSpans} span(s) lost so far. ${adviceFor(error)}`);
  }
}

/** What to check, from how the export failed. */
export function adviceFor(error: Error | undefined): string {
  const status = error instanceof OtlpHttpStatusError ? error.status : undefined;
  if (status === 401 || status === 403) {
    return 'The endpoint refused the credentials: check the API key or token in OTEL_EXPORTER_OTLP_HEADERS and OTEL_EXPORTER_OTLP_TRACES_HEADERS (and that the endpoint is the one they are for).';
  }
  if (status === 400) {
    return 'The endpoint rejected the request: check the headers in OTEL_EXPORTER_OTLP_HEADERS and OTEL_EXPORTER_OTLP_TRACES_HEADERS (credentials, tenant or dataset names) and the endpoint\'s path and protocol (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, OTEL_EXPORTER_OTLP_PROTOCOL).';
  }
  return 'Check OTEL_EXPORTER_OTLP_ENDPOINT (default http://localhost:4318, the collector layer) and that the collector is running.';
}
