import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';

/**
 * Several exporters behind one batch processor (OTEL_TRACES_EXPORTER=otlp,console): the spans are
 * queued and batched once, and each batch goes to every exporter. The batch counts as exported
 * only when every exporter took it; the first failure is the one reported.
 */
export class FanOutExporter implements SpanExporter {
  private readonly exporters: readonly SpanExporter[];

  constructor(exporters: readonly SpanExporter[]) {
    this.exporters = exporters;
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    let pending = this.exporters.length;
    let failure: ExportResult | undefined;
    for (const exporter of this.exporters) {
      let answered = false;
      const onResult = (result: ExportResult): void => {
        if (answered) return;
        answered = true;
        if (result.code !== ExportResultCode.SUCCESS) failure ??= result;
        if (--pending === 0) resultCallback(failure ?? { code: ExportResultCode.SUCCESS });
      };
      try {
        exporter.export(spans, onResult);
      } catch (error) {
        onResult({ code: ExportResultCode.FAILED, error: error instanceof Error ? error : new Error(String(error)) });
      }
    }
  }

  async shutdown(): Promise<void> {
    await Promise.all(this.exporters.map((exporter) => exporter.shutdown()));
  }

  async forceFlush(): Promise<void> {
    await Promise.all(this.exporters.map((exporter) => exporter.forceFlush?.()));
  }
}
