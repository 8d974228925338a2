import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { FanOutExporter } from '../../../src/exporters/fan-out-exporter.ts';

function exporter(result: ExportResult | 'throws', seen: ReadableSpan[][]): SpanExporter {
  return {
    export(spans, callback) {
      seen.push(spans);
      if (result === 'throws') throw new Error('exporter bug');
      callback(result);
    },
    shutdown: () => Promise.resolve(),
  };
}

const exportThrough = (fanOut: FanOutExporter, spans: ReadableSpan[]): Promise<ExportResult> => new Promise((resolve) => fanOut.export(spans, resolve));

describe('FanOutExporter', () => {
  it('gives each batch to every exporter and succeeds when all of them do', async () => {
    const seen: ReadableSpan[][] = [];
    const spans = [{ name: 'a' } as ReadableSpan];

    const result = await exportThrough(new FanOutExporter([exporter({ code: ExportResultCode.SUCCESS }, seen), exporter({ code: ExportResultCode.SUCCESS }, seen)]), spans);

    expect(result.code).toBe(ExportResultCode.SUCCESS);
    expect(seen).toEqual([spans, spans]);
  });

  it('reports the failure of any one exporter, a throwing one included, after all have answered', async () => {
    const seen: ReadableSpan[][] = [];
    const failed = await exportThrough(new FanOutExporter([exporter({ code: ExportResultCode.SUCCESS }, seen), exporter({ code: ExportResultCode.FAILED, error: new Error('down') }, seen)]), []);
    const threw = await exportThrough(new FanOutExporter([exporter('throws', seen), exporter({ code: ExportResultCode.SUCCESS }, seen)]), []);

    expect([failed.code, failed.error?.message]).toEqual([ExportResultCode.FAILED, 'down']);
    expect([threw.code, threw.error?.message]).toEqual([ExportResultCode.FAILED, 'exporter bug']);
    expect(seen).toHaveLength(4);
  });
});
