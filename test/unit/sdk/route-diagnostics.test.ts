import { diag } from '@opentelemetry/api';
import { globalErrorHandler } from '@opentelemetry/core';
import { setLogLevel } from '../../../src/log.ts';
import { routeDiagnostics } from '../../../src/sdk/route-diagnostics.ts';

describe('the SDK’s diagnostics in the layer’s log', () => {
  let written: string[];
  let write: jest.SpyInstance;

  beforeEach(() => {
    written = [];
    write = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    setLogLevel('warn');
    routeDiagnostics('warn');
  });

  afterEach(() => {
    write.mockRestore();
    diag.disable();
  });

  it('writes an error the SDK hands its global error handler as one line, name and message, once', () => {
    // Act: what a failed metric export hands the handler, twice.
    const failure = new Error('PeriodicExportingMetricReader: metrics export failed (error Error: the OTLP endpoint answered 401)');
    globalErrorHandler(failure);
    globalErrorHandler(failure);

    // Assess
    expect(written).toEqual(['[otel-lambda] ERROR opentelemetry: Error: PeriodicExportingMetricReader: metrics export failed (error Error: the OTLP endpoint answered 401)\n']);
  });

  it('writes a diag warning with the same prefix, once', () => {
    diag.warn('something odd', { key: 1 });
    diag.warn('something odd', { key: 1 });

    expect(written).toEqual(['[otel-lambda] WARN opentelemetry: something odd {"key":1}\n']);
  });
});
