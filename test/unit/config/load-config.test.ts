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

  it('reads span limits, the span-specific variables over the general ones, with the SDK defaults', () => {
    // Prepare
    const env = { OTEL_ATTRIBUTE_COUNT_LIMIT: '64', OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT: '32', OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: '256', OTEL_SPAN_EVENT_COUNT_LIMIT: '0', OTEL_LINK_ATTRIBUTE_COUNT_LIMIT: 'many' };

    // Act
    const { config, warnings } = loadConfig(env);
    const defaults = loadConfig({}).config.spanLimits;

    // Assess
    expect(config.spanLimits).toEqual({
      attributeCountLimit: 32,
      attributeValueLengthLimit: 256,
      eventCountLimit: 0,
      linkCountLimit: 128,
      attributePerEventCountLimit: 128,
      attributePerLinkCountLimit: 128,
    });
    expect(warnings).toEqual([expect.stringContaining('OTEL_LINK_ATTRIBUTE_COUNT_LIMIT')]);
    expect(defaults).toEqual({ ...config.spanLimits, attributeCountLimit: 128, attributeValueLengthLimit: Infinity, eventCountLimit: 128 });
  });

  it('returns a frozen config', () => {
    expect(Object.isFrozen(loadConfig({}).config)).toBe(true);
  });
});
