import { adviceFor } from '../../../src/exporters/observed-exporter.ts';
import { OtlpHttpStatusError } from '../../../src/exporters/post-otlp.ts';

describe('adviceFor', () => {
  it.each([401, 403])('names the headers and credentials when the endpoint answers %i', (status) => {
    const advice = adviceFor(new OtlpHttpStatusError(status));

    expect(advice).toContain('OTEL_EXPORTER_OTLP_HEADERS');
    expect(advice).toContain('credentials');
    expect(advice).not.toContain('collector is running');
  });

  it('names the headers first when the endpoint answers 400', () => {
    expect(adviceFor(new OtlpHttpStatusError(400))).toMatch(/check the headers in OTEL_EXPORTER_OTLP_HEADERS/);
  });

  it('points at the endpoint and the collector for anything else', () => {
    expect(adviceFor(new OtlpHttpStatusError(503))).toContain('collector is running');
    expect(adviceFor(new Error('connect ECONNREFUSED'))).toContain('OTEL_EXPORTER_OTLP_ENDPOINT');
  });
});
