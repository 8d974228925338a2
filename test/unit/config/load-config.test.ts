import { loadConfig } from '../../../src/config/index.ts';

describe('loadConfig', () => {
  it('uses the documented defaults for an empty environment', () => {
    const { config, warnings } = loadConfig({});

    expect(warnings).toEqual([]);
    expect(config).toMatchObject({
      sdkDisabled: false,
      tracesExporters: ['otlp'],
      propagators: ['tracecontext', 'baggage', 'xray'],
      flushMode: 'sync',
      flushTimeoutMs: 500,
      enabledInstrumentations: undefined,
    });
  });

  it('reads Lambda variables', () => {
    const { config } = loadConfig({
      LAMBDA_TASK_ROOT: '/var/task',
      _HANDLER: 'index.handler',
      AWS_LAMBDA_FUNCTION_NAME: 'orders',
      AWS_LAMBDA_INITIALIZATION_TYPE: 'lambda-managed-instances',
    });

    expect(config.lambda).toMatchObject({ taskRoot: '/var/task', handler: 'index.handler', functionName: 'orders', managedInstances: true });
  });

  it('warns once per bad value, naming the variable, the value and the fallback', () => {
    const { config, warnings } = loadConfig({ OTEL_LAMBDA_FLUSH_TIMEOUT_MS: 'soon', OTEL_TRACES_EXPORTER: 'zipkin' });

    expect(config.flushTimeoutMs).toBe(500);
    expect(config.tracesExporters).toEqual(['otlp']);
    expect(warnings).toHaveLength(2);
    const timeoutWarning = warnings.find((warning) => warning.includes('OTEL_LAMBDA_FLUSH_TIMEOUT_MS="soon"'));
    const exporterWarning = warnings.find((warning) => warning.includes('OTEL_TRACES_EXPORTER="zipkin"'));
    expect(timeoutWarning).toContain('using 500');
    expect(exporterWarning).toContain('allowed: otlp, console, otlp-stdout, none');
    expect(exporterWarning).toContain('using "otlp"');
  });

  it('returns a frozen config', () => {
    expect(Object.isFrozen(loadConfig({}).config)).toBe(true);
  });
});
