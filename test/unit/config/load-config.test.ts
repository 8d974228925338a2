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

  it('reads the issue-15 settings: init span on, payload capture and log correlation off, by default', () => {
    const { config, warnings } = loadConfig({});

    expect(warnings).toEqual([]);
    expect(config).toMatchObject({
      initSpan: true,
      batchItemFailuresMaxIds: 50,
      payloadCapture: { enabled: false, maxDepth: 10, maxLength: 4096, redactKeys: [] },
      logCorrelation: false,
      lambda: { initializationType: undefined, logFormat: 'TEXT' },
    });
  });

  it('reads the issue-15 settings when set, and warns about each bad one', () => {
    const { config, warnings } = loadConfig({
      OTEL_LAMBDA_INIT_SPAN: 'false',
      OTEL_LAMBDA_BATCH_ITEM_FAILURES_MAX_IDS: '5',
      OTEL_LAMBDA_CAPTURE_PAYLOAD: 'true',
      OTEL_LAMBDA_CAPTURE_PAYLOAD_MAX_DEPTH: '3',
      OTEL_LAMBDA_CAPTURE_PAYLOAD_MAX_LENGTH: 'huge',
      OTEL_LAMBDA_CAPTURE_PAYLOAD_REDACT_KEYS: 'Tenant_Ref, iban',
      OTEL_LAMBDA_LOG_CORRELATION: 'yes',
      AWS_LAMBDA_INITIALIZATION_TYPE: 'provisioned-concurrency',
      AWS_LAMBDA_LOG_FORMAT: 'json',
    });

    expect(config).toMatchObject({
      initSpan: false,
      batchItemFailuresMaxIds: 5,
      payloadCapture: { enabled: true, maxDepth: 3, maxLength: 4096, redactKeys: ['tenant_ref', 'iban'] },
      logCorrelation: false,
      lambda: { initializationType: 'provisioned-concurrency', logFormat: 'JSON' },
    });
    expect(warnings).toEqual([
      'OTEL_LAMBDA_CAPTURE_PAYLOAD_MAX_LENGTH="huge" is not valid (allowed: an integer from 64 to 1000000); using 4096.',
      'OTEL_LAMBDA_LOG_CORRELATION="yes" is not valid (allowed: true, false); using false.',
    ]);
  });

  it('returns a frozen config', () => {
    expect(Object.isFrozen(loadConfig({}).config)).toBe(true);
  });
});
