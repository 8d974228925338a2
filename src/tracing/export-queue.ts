import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { startUnrefTimer } from '../unref-timer.ts';

/** Where ended spans wait for export, and how the first of them are exported. */
export interface SpanStore {
  /** Spans held. */
  readonly size: number;
  add(span: ReadableSpan): void;
  /** Removes up to `max` spans from the front, in the order they ended, and exports them. */
  exportFront(max: number, done: (result: ExportResult) => void): void;
}

export interface ExportQueueSettings {
  /** OTEL_BSP_MAX_QUEUE_SIZE: spans held at most; more are dropped and counted. */
  readonly maxQueueSize: number;
  /** OTEL_BSP_MAX_EXPORT_BATCH_SIZE: spans per export request; a full batch is exported at once. */
  readonly maxExportBatchSize: number;
  /** OTEL_BSP_SCHEDULE_DELAY: spans left waiting are exported this long after the first of them. */
  readonly scheduledDelayMs: number;
  /** Told how many spans the full queue turned away. */
  readonly onDropped: (count: number) => void;
}

const RESOLVED = Promise.resolve();
// Never fires in practice (about 24 days); it only holds the event loop while ref'd.
const KEEP_ALIVE_INTERVAL_MS = 2 ** 31 - 1;

/**
 * The batch span processor's queue (its settings and export rules) over a SpanStore: spans are
 * exported in batches on forceFlush, when a batch is full, or after the schedule delay. One
 * timer serves the whole process (re-armed with refresh() rather than made per invocation), and
 * a flush with nothing queued allocates nothing.
 */
export class ExportQueue {
  private readonly store: SpanStore;
  private readonly settings: ExportQueueSettings;
  private readonly timer: NodeJS.Timeout;
  private timerArmed = true;
  /**
   * Ref'd while an export is in flight, so the process waits for it as it waited for the SDK's
   * batch processor (which ref'd a timer per export): with every other handle unref'd, a retry
   * pause would otherwise leave the event loop empty and the runtime would exit mid-invocation.
   * One handle, ref'd and unref'd, instead of a timer per export.
   */
  private readonly keepAlive: NodeJS.Timeout;
  private exportsInFlight = 0;
  private exportingFullBatch = false;
  private stopped = false;

  constructor(store: SpanStore, settings: ExportQueueSettings) {
    this.store = store;
    this.settings = settings;
    // Made here, at init, so that it holds no invocation's async context; its first run finds
    // nothing to export.
    this.timer = startUnrefTimer(() => {
      this.timerArmed = false;
      void this.forceFlush();
    }, settings.scheduledDelayMs);
    this.keepAlive = setInterval(() => undefined, KEEP_ALIVE_INTERVAL_MS);
    this.keepAlive.unref();
  }

  add(span: ReadableSpan): void {
    if (this.stopped) return;
    // Unsampled spans that record (a RECORD_ONLY sampler) reach processors, never exporters.
    if ((span.spanContext().traceFlags & 1) === 0) return;
    if (this.store.size >= this.settings.maxQueueSize) {
      this.settings.onDropped(1);
      return;
    }
    this.store.add(span);
    if (this.store.size >= this.settings.maxExportBatchSize) this.exportFullBatch();
    else this.armTimer();
  }

  /** Whether nothing waits for export. */
  isIdle(): boolean {
    return this.store.size === 0;
  }

  /** Exports everything queued, in batches; resolves when every export has answered. */
  forceFlush(): Promise<void> {
    if (this.store.size === 0) return RESOLVED;
    return new Promise((resolve) => {
      // Starts at one so that exporters answering synchronously cannot resolve it mid-loop.
      let pending = 1;
      const answered = (): void => {
        if (--pending === 0) resolve();
      };
      while (this.store.size > 0) {
        pending++;
        this.exportFront(answered);
      }
      answered();
    });
  }

  async shutdown(): Promise<void> {
    await this.forceFlush();
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.keepAlive);
  }

  private exportFront(done: () => void): void {
    if (this.exportsInFlight++ === 0) this.keepAlive.ref();
    this.store.exportFront(this.settings.maxExportBatchSize, () => {
      if (--this.exportsInFlight === 0) this.keepAlive.unref();
      done();
    });
  }

  private exportFullBatch(): void {
    if (this.exportingFullBatch) return;
    this.exportingFullBatch = true;
    this.exportFront(() => {
      this.exportingFullBatch = false;
      if (this.store.size >= this.settings.maxExportBatchSize) this.exportFullBatch();
      else if (this.store.size > 0) this.armTimer();
    });
  }

  private armTimer(): void {
    if (this.timerArmed || this.stopped) return;
    this.timerArmed = true;
    this.timer.refresh();
  }
}

/** Keeps the spans themselves and hands them to a SpanExporter: for exporters that take ReadableSpans. */
export class ReadableSpanStore implements SpanStore {
  private spans: ReadableSpan[] = [];
  private readonly exporter: SpanExporter;

  constructor(exporter: SpanExporter) {
    this.exporter = exporter;
  }

  get size(): number {
    return this.spans.length;
  }

  add(span: ReadableSpan): void {
    this.spans.push(span);
  }

  exportFront(max: number, done: (result: ExportResult) => void): void {
    const batch = this.spans.length <= max ? this.spans : this.spans.slice(0, max);
    this.spans = this.spans.length <= max ? [] : this.spans.slice(max);
    try {
      this.exporter.export(batch, done);
    } catch (error) {
      done({ code: ExportResultCode.FAILED, error: error instanceof Error ? error : new Error(String(error)) });
    }
  }
}
