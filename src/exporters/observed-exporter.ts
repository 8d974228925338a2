import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { log } from '../log.ts';
import { adviceFor } from './export-advice.ts';

const REPORT_INTERVAL_MS = 60_000;

/** An exporter that can send a request the layer encoded already (OtlpHttpSpanExporter, protobuf). */
export interface EncodedExporter {
  exportEncoded(body: Uint8Array, resultCallback: (result: ExportResult) => void): void;
}

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
    this.inner.export(spans, (result) => this.settled(spans.length, result, resultCallback));
  }

  /** Sends spans already encoded as one OTLP request (see EncodedSpanStore), counted the same way. */
  exportEncoded(body: Uint8Array, spanCount: number, resultCallback: (result: ExportResult) => void): void {
    const inner = this.inner as Partial<EncodedExporter>;
    if (typeof inner.exportEncoded !== 'function') {
      return this.settled(spanCount, { code: ExportResultCode.FAILED, error: new Error('the span exporter cannot send encoded requests') }, resultCallback);
    }
    inner.exportEncoded(body, (result) => this.settled(spanCount, result, resultCallback));
  }

  /** Spans the full export queue turned away (OTEL_BSP_MAX_QUEUE_SIZE), reported with the other losses. */
  countQueueDrop(spanCount: number): void {
    this.droppedSpans += spanCount;
    this.reportLoss(new Error('the export queue was full (OTEL_BSP_MAX_QUEUE_SIZE)'));
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }

  private settled(spanCount: number, result: ExportResult, resultCallback: (result: ExportResult) => void): void {
    if (result.code === ExportResultCode.SUCCESS) {
      this.exportedSpans += spanCount;
      if (!this.healthy) {
        this.healthy = true;
        log.info(`span export recovered; ${this.droppedSpans} span(s) were lost while it failed.`);
      }
    } else {
      this.healthy = false;
      this.droppedSpans += spanCount;
      this.reportLoss(result.error);
    }
    resultCallback(result);
  }

  private reportLoss(error: Error | undefined): void {
    const now = Date.now();
    if (now - this.lastReportAt < REPORT_INTERVAL_MS) return;
    this.lastReportAt = now;
    log.warn(`span export failed (${error?.message ?? 'unknown error'}); ${this.droppedSpans} span(s) lost so far. ${adviceFor(error)}`);
  }
}
