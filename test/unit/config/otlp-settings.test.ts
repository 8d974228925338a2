import { loadConfig } from '../../../src/config/index.ts';
import { readOtlpSettings } from '../../../src/config/otlp-settings.ts';

describe('readOtlpSettings', () => {
  it('appends the signal path to the generic endpoint, keeping its own path and query', () => {
    const { settings, warnings } = readOtlpSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otlp.example/tenant/?region=eu' });

    expect(warnings).toEqual([]);
    expect(settings.traces.url).toBe('https://otlp.example/tenant/v1/traces?region=eu');
    expect(settings.metrics.url).toBe('https://otlp.example/tenant/v1/metrics?region=eu');
    expect(settings.logs.url).toBe('https://otlp.example/tenant/v1/logs?region=eu');
  });

  it('uses a signal endpoint as given, and the signal variables over the generic ones', () => {
    const { settings } = readOtlpSettings({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://traces:9999/custom',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'http/protobuf',
      OTEL_EXPORTER_OTLP_TIMEOUT: '2000',
      OTEL_EXPORTER_OTLP_LOGS_TIMEOUT: '300',
    });

    expect(settings.traces).toMatchObject({ url: 'http://traces:9999/custom', protocol: 'http/json', timeoutMs: 2000 });
    expect(settings.metrics).toMatchObject({ url: 'http://collector:4318/v1/metrics', protocol: 'http/protobuf', timeoutMs: 2000 });
    expect(settings.logs).toMatchObject({ url: 'http://collector:4318/v1/logs', protocol: 'http/json', timeoutMs: 300 });
  });

  it('warns once about a bad generic variable, though three signals use it', () => {
    const { warnings } = loadConfig({ OTEL_EXPORTER_OTLP_TIMEOUT: 'soon', OTEL_EXPORTER_OTLP_HEADERS: 'novalue' });

    expect(warnings).toHaveLength(2);
  });

  it('refuses an endpoint with credentials in it without printing them, and falls back', () => {
    const { settings, warnings } = readOtlpSettings({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://alice77:s3cr3t@otlp.example/v1/traces', OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otlp.example' });

    expect(settings.traces.url).toBe('https://otlp.example/v1/traces');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^OTEL_EXPORTER_OTLP_TRACES_ENDPOINT holds credentials/);
    expect(warnings[0]).not.toContain('s3cr3t');
    expect(warnings[0]).not.toContain('alice77');
  });

  it.each(['localhost:4318', 'ftp://collector/v1/traces', 'not a url'])('refuses %s as an endpoint and uses the default', (endpoint) => {
    const { settings, warnings } = readOtlpSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint });

    expect(settings.traces.url).toBe('http://localhost:4318/v1/traces');
    expect(warnings).toEqual([expect.stringMatching(/^OTEL_EXPORTER_OTLP_ENDPOINT=/)]);
  });
});
