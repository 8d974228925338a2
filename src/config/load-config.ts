import type { LogLevel } from '../log.ts';
import { SEMCONV_COMPAT_MODES, type SemconvCompat } from '../semconv.ts';
import { readOtlpSettings, type OtlpSettings } from './otlp-settings.ts';
import { parseResourceAttributes } from './resource-attributes.ts';
import { readSpanLimits, type SpanLimits } from './span-limits.ts';
import { quoted, readBool, readEnum, readExporterList, readInt, readList, readRatio, readString, type Env } from './readers.ts';

export const FLUSH_MODES = ['sync', 'deferred', 'background'] as const;
export type FlushMode = (typeof FLUSH_MODES)[number];

export const SAMPLER_NAMES = [
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
  'always_on',
  'always_off',
  'traceidratio',
] as const;
export type SamplerName = (typeof SAMPLER_NAMES)[number];

export const PARENT_SOURCES = ['event', 'xray'] as const;
export type ParentSource = (typeof PARENT_SOURCES)[number];

/** OTEL_PROPAGATORS names (src/sdk/build-propagator.ts makes them). */
export const PROPAGATOR_NAMES = ['tracecontext', 'baggage', 'xray', 'xray-lambda', 'none'] as const;
export type PropagatorName = (typeof PROPAGATOR_NAMES)[number];

export const TRACES_EXPORTERS = ['otlp', 'console', 'otlp-stdout', 'none'] as const;
export const SIGNAL_EXPORTERS = ['otlp', 'console', 'none'] as const;
export type SignalExporterName = (typeof SIGNAL_EXPORTERS)[number];
export type TracesExporterName = (typeof TRACES_EXPORTERS)[number];

export const DEFAULT_BATCH_ITEM_FAILURES_MAX_IDS = 50;

const LOG_LEVELS: readonly LogLevel[] = ['none', 'error', 'warn', 'info', 'debug'];

/** Where the function lives and how Lambda started it; read from Lambda's own variables. */
export interface LambdaEnvironment {
  readonly taskRoot: string | undefined;
  readonly handler: string | undefined;
  readonly functionName: string | undefined;
  readonly region: string | undefined;
  readonly executionEnv: string | undefined;
  /** Where the runtime client lives (/var/runtime); its own requires are not the function's. */
  readonly runtimeDir: string | undefined;
  /** host:port of the Runtime API; its calls are the runtime's, never traced. */
  readonly runtimeApi: string | undefined;
  /** `lambda-managed-instances` runs invocations concurrently in worker threads. */
  readonly managedInstances: boolean;
  /**
   * The runtime client asks for its next event over node:http instead of its native client
   * (aws-lambda-ric's AWS_LAMBDA_NODEJS_USE_ALTERNATIVE_CLIENT_1): a result it posts then cannot
   * be held for the flush, since nothing would hold that request back behind it.
   */
  readonly nextEventOverHttp: boolean;
  /** AWS_LAMBDA_INITIALIZATION_TYPE: `on-demand`, `provisioned-concurrency`, `lambda-managed-instances`. */
  readonly initializationType: string | undefined;
  /** AWS_LAMBDA_LOG_FORMAT: the runtime client writes JSON log records only with `JSON`. */
  readonly logFormat: 'JSON' | 'TEXT';
}

/** OTEL_LAMBDA_CAPTURE_PAYLOAD*: recording the event and the response as span attributes. */
export interface PayloadCaptureSettings {
  readonly enabled: boolean;
  /** Levels of nesting recorded; deeper values are replaced by a marker. */
  readonly maxDepth: number;
  /** Characters of JSON per payload, about; what does not fit is cut at an entry boundary. */
  readonly maxLength: number;
  /** Key fragments redacted on top of the built-in ones, lower case. */
  readonly redactKeys: readonly string[];
}

export interface LayerConfig {
  readonly sdkDisabled: boolean;
  readonly logLevel: LogLevel;
  readonly serviceName: string | undefined;
  /** OTEL_RESOURCE_ATTRIBUTES, parsed; malformed entries skipped with a warning. */
  readonly resourceAttributes: Readonly<Record<string, string>>;
  /** OTEL_TRACES_EXPORTER as a list; empty for `none`. */
  readonly tracesExporters: readonly Exclude<TracesExporterName, 'none'>[];
  /** Off by default (the specification says otlp): each costs cold start and an export per invocation. */
  readonly metricsExporter: SignalExporterName;
  readonly logsExporter: SignalExporterName;
  /** Where and how the span exporter sends (OTEL_EXPORTER_OTLP_*), by the specification's rules. */
  readonly otlp: OtlpSettings;
  /** The same for the metrics and logs exporters (OTEL_EXPORTER_OTLP_METRICS_*, …_LOGS_*). */
  readonly otlpMetrics: OtlpSettings;
  readonly otlpLogs: OtlpSettings;
  readonly stdoutCompression: 'gzip' | 'none';
  /** The endpoint written into otlp-stdout records, for the forwarder. */
  readonly stdoutEndpoint: string;
  readonly propagators: readonly PropagatorName[];
  /** Where the invocation span's parent comes from, first match wins. */
  readonly parentSources: readonly ParentSource[];
  /** With `xray-lambda` in OTEL_PROPAGATORS, an unsampled invocation X-Ray header is a parent too. */
  readonly respectUnsampledXray: boolean;
  readonly sampler: SamplerName;
  /** OTEL_TRACES_SAMPLER_ARG: the ratio of the ratio-based samplers. */
  readonly samplerRatio: number;
  /** Resolved: `background` under Managed Instances unless the user chose `sync`. */
  readonly flushMode: FlushMode;
  /** OTEL_BSP_*: the batch span processor's queue and export settings. */
  readonly batch: {
    readonly maxQueueSize: number;
    readonly maxExportBatchSize: number;
    readonly scheduledDelayMs: number;
    readonly exportTimeoutMs: number;
  };
  readonly spanLimits: SpanLimits;
  /** Longest time a flush may add to an invocation. */
  readonly flushTimeoutMs: number;
  /** Time kept free before the invocation deadline; flushing never eats into it. */
  readonly deadlineMarginMs: number;
  /** An invocation still running this long before its deadline is ended as timed out; 0 = off. */
  readonly timeoutMarginMs: number;
  readonly enabledInstrumentations: readonly string[] | undefined;
  readonly disabledInstrumentations: readonly string[];
  /** OTEL_LAMBDA_SEMCONV_COMPAT: renamed FaaS attributes under their current names, the old ones, or both. */
  readonly semconvCompat: SemconvCompat;
  /** OTEL_LAMBDA_HOOKS_MODULE: the user's hooks (see src/hooks/user-hooks.ts). */
  readonly hooksModule: string | undefined;
  /** OTEL_LAMBDA_INIT_SPAN: a span for Lambda's init phase (src/coldstart/). */
  readonly initSpan: boolean;
  /** OTEL_LAMBDA_INIT_SPAN_MODULE_LOAD_MS: module loads at least this long are children of the init span's handler load. */
  readonly initSpanModuleLoadMs: number;
  /** OTEL_LAMBDA_BATCH_ITEM_FAILURES_MAX_IDS: how many failed item ids a partial batch response records. */
  readonly batchItemFailuresMaxIds: number;
  readonly payloadCapture: PayloadCaptureSettings;
  /** OTEL_LAMBDA_LOG_CORRELATION: trace and span ids in the runtime's JSON log records. */
  readonly logCorrelation: boolean;
  readonly lambda: LambdaEnvironment;
}

export interface LoadedConfig {
  readonly config: LayerConfig;
  readonly warnings: readonly string[];
}

/**
 * Reads every setting the layer uses, once, from `env`: the metric and log exporters get their
 * OTEL_EXPORTER_OTLP_* settings from here too, validated, rather than reading them themselves.
 * Each bad value gives one warning that starts with the variable's name (a header variable: one
 * per entry left out). The one exception is the bootstrap's first decision (runtime-process.ts),
 * taken before any of this is loaded.
 */
export function loadConfig(env: Env): LoadedConfig {
  const warnings: string[] = [];
  function take<T>(reading: { value: T; warning?: string }): T {
    if (reading.warning !== undefined) warnings.push(reading.warning);
    return reading.value;
  }

  const enabledList = readList(env, 'OTEL_NODE_ENABLED_INSTRUMENTATIONS', []);
  const managedInstances = readString(env, 'AWS_LAMBDA_INITIALIZATION_TYPE') === 'lambda-managed-instances';
  const resource = parseResourceAttributes(env['OTEL_RESOURCE_ATTRIBUTES']);
  warnings.push(...resource.warnings);
  const otlp = readOtlpSettings(env);
  warnings.push(...otlp.warnings);
  const config: Omit<LayerConfig, 'respectUnsampledXray'> = {
    sdkDisabled: take(readBool(env, 'OTEL_SDK_DISABLED', false)),
    logLevel: take(readEnum(env, 'OTEL_LOG_LEVEL', LOG_LEVELS, 'warn')),
    serviceName: readString(env, 'OTEL_SERVICE_NAME'),
    resourceAttributes: resource.attributes,
    tracesExporters: take(readExporterList(env, 'OTEL_TRACES_EXPORTER', TRACES_EXPORTERS, ['otlp'])).filter((name) => name !== 'none'),
    metricsExporter: take(readEnum(env, 'OTEL_METRICS_EXPORTER', SIGNAL_EXPORTERS, 'none')),
    logsExporter: take(readEnum(env, 'OTEL_LOGS_EXPORTER', SIGNAL_EXPORTERS, 'none')),
    otlp: otlp.settings.traces,
    otlpMetrics: otlp.settings.metrics,
    otlpLogs: otlp.settings.logs,
    stdoutCompression: take(readEnum(env, 'OTEL_LAMBDA_OTLP_STDOUT_COMPRESSION', ['gzip', 'none'] as const, 'none')),
    stdoutEndpoint: otlp.settings.traces.url,
    propagators: readKnownList(env, 'OTEL_PROPAGATORS', PROPAGATOR_NAMES, ['tracecontext', 'baggage', 'xray'], warnings),
    parentSources: readKnownList(env, 'OTEL_LAMBDA_PARENT_SOURCES', PARENT_SOURCES, ['event', 'xray'], warnings),
    sampler: take(readEnum(env, 'OTEL_TRACES_SAMPLER', SAMPLER_NAMES, 'parentbased_always_on')),
    samplerRatio: take(readRatio(env, 'OTEL_TRACES_SAMPLER_ARG', 1)),
    flushMode: resolveFlushMode(env, managedInstances, warnings),
    batch: {
      maxQueueSize: take(readInt(env, 'OTEL_BSP_MAX_QUEUE_SIZE', 2048, { min: 1, max: 1_000_000 })),
      maxExportBatchSize: take(readInt(env, 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE', 512, { min: 1, max: 1_000_000 })),
      scheduledDelayMs: take(readInt(env, 'OTEL_BSP_SCHEDULE_DELAY', managedInstances ? 1000 : 5000, { min: 0, max: 3_600_000 })),
      exportTimeoutMs: take(readInt(env, 'OTEL_BSP_EXPORT_TIMEOUT', 30_000, { min: 1, max: 3_600_000 })),
    },
    spanLimits: readSpanLimits(env, take),
    flushTimeoutMs: take(readInt(env, 'OTEL_LAMBDA_FLUSH_TIMEOUT_MS', 500, { min: 1, max: 900_000 })),
    deadlineMarginMs: take(readInt(env, 'OTEL_LAMBDA_DEADLINE_MARGIN_MS', 50, { min: 0, max: 60_000 })),
    timeoutMarginMs: take(readInt(env, 'OTEL_LAMBDA_TIMEOUT_MARGIN_MS', 250, { min: 0, max: 60_000 })),
    enabledInstrumentations: env['OTEL_NODE_ENABLED_INSTRUMENTATIONS'] === undefined ? undefined : enabledList.value,
    disabledInstrumentations: take(readList(env, 'OTEL_NODE_DISABLED_INSTRUMENTATIONS', [])),
    semconvCompat: take(readEnum(env, 'OTEL_LAMBDA_SEMCONV_COMPAT', SEMCONV_COMPAT_MODES, 'none')),
    hooksModule: readString(env, 'OTEL_LAMBDA_HOOKS_MODULE'),
    initSpan: take(readBool(env, 'OTEL_LAMBDA_INIT_SPAN', true)),
    initSpanModuleLoadMs: take(readInt(env, 'OTEL_LAMBDA_INIT_SPAN_MODULE_LOAD_MS', 1, { min: 0, max: 900_000 })),
    batchItemFailuresMaxIds: take(readInt(env, 'OTEL_LAMBDA_BATCH_ITEM_FAILURES_MAX_IDS', DEFAULT_BATCH_ITEM_FAILURES_MAX_IDS, { min: 0, max: 10_000 })),
    payloadCapture: {
      enabled: take(readBool(env, 'OTEL_LAMBDA_CAPTURE_PAYLOAD', false)),
      maxDepth: take(readInt(env, 'OTEL_LAMBDA_CAPTURE_PAYLOAD_MAX_DEPTH', 10, { min: 1, max: 64 })),
      maxLength: take(readInt(env, 'OTEL_LAMBDA_CAPTURE_PAYLOAD_MAX_LENGTH', 4096, { min: 64, max: 1_000_000 })),
      redactKeys: take(readList(env, 'OTEL_LAMBDA_CAPTURE_PAYLOAD_REDACT_KEYS', [])),
    },
    logCorrelation: take(readBool(env, 'OTEL_LAMBDA_LOG_CORRELATION', false)),
    lambda: {
      taskRoot: readString(env, 'LAMBDA_TASK_ROOT'),
      handler: readString(env, '_HANDLER'),
      functionName: readString(env, 'AWS_LAMBDA_FUNCTION_NAME'),
      region: readString(env, 'AWS_REGION'),
      executionEnv: readString(env, 'AWS_EXECUTION_ENV'),
      runtimeApi: readString(env, 'AWS_LAMBDA_RUNTIME_API'),
      runtimeDir: readString(env, 'LAMBDA_RUNTIME_DIR'),
      managedInstances,
      nextEventOverHttp: env['AWS_LAMBDA_NODEJS_USE_ALTERNATIVE_CLIENT_1'] === 'true',
      initializationType: readString(env, 'AWS_LAMBDA_INITIALIZATION_TYPE'),
      // Read as the runtime clients read it (case-insensitive, anything else is text).
      logFormat: readString(env, 'AWS_LAMBDA_LOG_FORMAT')?.toUpperCase() === 'JSON' ? 'JSON' : 'TEXT',
    },
  };
  return { config: Object.freeze({ ...config, respectUnsampledXray: config.propagators.includes('xray-lambda') }), warnings };
}

/** A comma list of known names; unknown ones are left out with one warning for the variable. */
function readKnownList<T extends string>(env: Env, key: string, allowed: readonly T[], fallback: readonly T[], warnings: string[]): readonly T[] {
  const { value } = readList(env, key, fallback);
  const known = value.filter((item): item is T => (allowed as readonly string[]).includes(item));
  const unknown = value.filter((item) => !(allowed as readonly string[]).includes(item));
  if (unknown.length > 0) {
    warnings.push(`${key}=${quoted(env[key] ?? '')} has unknown entries ${unknown.map(quoted).join(', ')} (allowed: ${allowed.join(', ')}); using "${known.join(',')}".`);
  }
  return known;
}

/**
 * Managed Instances run invocations concurrently and forbid extensions to subscribe to INVOKE,
 * so deferred flushing cannot work there and background flushing is the default.
 */
function resolveFlushMode(env: Env, managedInstances: boolean, warnings: string[]): FlushMode {
  const reading = readEnum(env, 'OTEL_LAMBDA_FLUSH_MODE', FLUSH_MODES, managedInstances ? 'background' : 'sync');
  if (reading.warning !== undefined) warnings.push(reading.warning);
  if (managedInstances && reading.value === 'deferred') {
    warnings.push('OTEL_LAMBDA_FLUSH_MODE="deferred" cannot work on Lambda Managed Instances (no INVOKE events for extensions); using "background".');
    return 'background';
  }
  return reading.value;
}

/**
 * The invocation's X-Ray header as the runtime client left it in the environment
 * (`_X_AMZN_TRACE_ID` is rewritten per invocation, so it cannot be read once at init).
 */
export function readInvocationTraceEnv(): string | undefined {
  return process.env['_X_AMZN_TRACE_ID'];
}
