import type { LogLevel } from '../log.ts';
import { parseResourceAttributes } from './resource-attributes.ts';
import { readBool, readEnum, readInt, readList, readRatio, readString, type Env } from './readers.ts';

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

export const TRACES_EXPORTERS = ['otlp', 'console', 'otlp-stdout', 'none'] as const;
export const SIGNAL_EXPORTERS = ['otlp', 'console', 'none'] as const;
export type SignalExporterName = (typeof SIGNAL_EXPORTERS)[number];
export type TracesExporterName = (typeof TRACES_EXPORTERS)[number];

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
}

export interface OtlpSettings {
  readonly protocol: 'http/protobuf' | 'http/json';
  readonly tracesUrl: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly compression: 'gzip' | 'none';
}

export interface LayerConfig {
  readonly sdkDisabled: boolean;
  readonly logLevel: LogLevel;
  readonly serviceName: string | undefined;
  /** OTEL_RESOURCE_ATTRIBUTES, parsed; malformed entries skipped with a warning. */
  readonly resourceAttributes: Readonly<Record<string, string>>;
  readonly tracesExporter: TracesExporterName;
  /** Off by default (the specification says otlp): each costs cold start and an export per invocation. */
  readonly metricsExporter: SignalExporterName;
  readonly logsExporter: SignalExporterName;
  /** OTEL_EXPORTER_OTLP_TRACES_PROTOCOL, else OTEL_EXPORTER_OTLP_PROTOCOL. */
  readonly otlpProtocol: 'http/protobuf' | 'http/json';
  /** Where and how the span exporter sends (OTEL_EXPORTER_OTLP_*), by the specification's rules. */
  readonly otlp: OtlpSettings;
  readonly stdoutCompression: 'gzip' | 'none';
  /** The endpoint written into otlp-stdout records, for the forwarder. */
  readonly stdoutEndpoint: string;
  readonly propagators: readonly string[];
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
  /** Longest time a flush may add to an invocation. */
  readonly flushTimeoutMs: number;
  /** Time kept free before the invocation deadline; flushing never eats into it. */
  readonly deadlineMarginMs: number;
  /** An invocation still running this long before its deadline is ended as timed out; 0 = off. */
  readonly timeoutMarginMs: number;
  readonly enabledInstrumentations: readonly string[] | undefined;
  readonly disabledInstrumentations: readonly string[];
  /** OTEL_LAMBDA_HOOKS_MODULE: the user's hooks (see src/hooks/user-hooks.ts). */
  readonly hooksModule: string | undefined;
  readonly lambda: LambdaEnvironment;
}

export interface LoadedConfig {
  readonly config: LayerConfig;
  readonly warnings: readonly string[];
}

/**
 * Reads every setting the layer's own code uses, once, from `env`.
 * Libraries that implement the OpenTelemetry specification's variables themselves
 * (the OTLP exporter's OTEL_EXPORTER_OTLP_*, the resource env detector) read those directly.
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
  const otlpProtocol = readOtlpProtocol(env, warnings);
  warnings.push(...resource.warnings);
  const config: LayerConfig = {
    sdkDisabled: take(readBool(env, 'OTEL_SDK_DISABLED', false)),
    logLevel: take(readEnum(env, 'OTEL_LOG_LEVEL', LOG_LEVELS, 'warn')),
    serviceName: readString(env, 'OTEL_SERVICE_NAME'),
    resourceAttributes: resource.attributes,
    tracesExporter: take(readEnum(env, 'OTEL_TRACES_EXPORTER', TRACES_EXPORTERS, 'otlp')),
    metricsExporter: take(readEnum(env, 'OTEL_METRICS_EXPORTER', SIGNAL_EXPORTERS, 'none')),
    logsExporter: take(readEnum(env, 'OTEL_LOGS_EXPORTER', SIGNAL_EXPORTERS, 'none')),
    otlpProtocol,
    otlp: readOtlpSettings(env, otlpProtocol, take),
    stdoutCompression: take(readEnum(env, 'OTEL_LAMBDA_OTLP_STDOUT_COMPRESSION', ['gzip', 'none'] as const, 'none')),
    stdoutEndpoint: tracesUrl(env),
    propagators: take(readList(env, 'OTEL_PROPAGATORS', ['tracecontext', 'baggage', 'xray'])),
    parentSources: readParentSources(env, warnings),
    respectUnsampledXray: (env['OTEL_PROPAGATORS'] ?? '').split(',').some((name) => name.trim().toLowerCase() === 'xray-lambda'),
    sampler: take(readEnum(env, 'OTEL_TRACES_SAMPLER', SAMPLER_NAMES, 'parentbased_always_on')),
    samplerRatio: take(readRatio(env, 'OTEL_TRACES_SAMPLER_ARG', 1)),
    flushMode: resolveFlushMode(env, managedInstances, warnings),
    batch: {
      maxQueueSize: take(readInt(env, 'OTEL_BSP_MAX_QUEUE_SIZE', 2048, { min: 1, max: 1_000_000 })),
      maxExportBatchSize: take(readInt(env, 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE', 512, { min: 1, max: 1_000_000 })),
      scheduledDelayMs: take(readInt(env, 'OTEL_BSP_SCHEDULE_DELAY', managedInstances ? 1000 : 5000, { min: 0, max: 3_600_000 })),
      exportTimeoutMs: take(readInt(env, 'OTEL_BSP_EXPORT_TIMEOUT', 30_000, { min: 1, max: 3_600_000 })),
    },
    flushTimeoutMs: take(readInt(env, 'OTEL_LAMBDA_FLUSH_TIMEOUT_MS', 500, { min: 1, max: 900_000 })),
    deadlineMarginMs: take(readInt(env, 'OTEL_LAMBDA_DEADLINE_MARGIN_MS', 50, { min: 0, max: 60_000 })),
    timeoutMarginMs: take(readInt(env, 'OTEL_LAMBDA_TIMEOUT_MARGIN_MS', 250, { min: 0, max: 60_000 })),
    enabledInstrumentations: env['OTEL_NODE_ENABLED_INSTRUMENTATIONS'] === undefined ? undefined : enabledList.value,
    disabledInstrumentations: take(readList(env, 'OTEL_NODE_DISABLED_INSTRUMENTATIONS', [])),
    hooksModule: readString(env, 'OTEL_LAMBDA_HOOKS_MODULE'),
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
    },
  };
  return { config: Object.freeze(config), warnings };
}

/** The signal's own endpoint as given, else the base endpoint with /v1/traces appended. */
function tracesUrl(env: Env): string {
  const own = readString(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  if (own !== undefined) return own;
  const base = readString(env, 'OTEL_EXPORTER_OTLP_ENDPOINT') ?? 'http://localhost:4318';
  return `${base.replace(/\/$/, '')}/v1/traces`;
}

function readOtlpSettings(env: Env, protocol: OtlpSettings['protocol'], take: <T>(reading: { value: T; warning?: string }) => T): OtlpSettings {
  const signal = (key: string): string => (env[`OTEL_EXPORTER_OTLP_TRACES_${key}`] !== undefined ? `OTEL_EXPORTER_OTLP_TRACES_${key}` : `OTEL_EXPORTER_OTLP_${key}`);
  const url = tracesUrl(env);
  let validUrl = url;
  try {
    new URL(url);
  } catch {
    validUrl = 'http://localhost:4318/v1/traces';
    take({ value: validUrl, warning: `the OTLP traces endpoint "${url}" is not a URL (from OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or OTEL_EXPORTER_OTLP_ENDPOINT); using "${validUrl}".` });
  }
  return {
    protocol,
    tracesUrl: validUrl,
    headers: { ...parseHeaders(env['OTEL_EXPORTER_OTLP_HEADERS']), ...parseHeaders(env['OTEL_EXPORTER_OTLP_TRACES_HEADERS']) },
    timeoutMs: take(readInt(env, signal('TIMEOUT'), 10_000, { min: 1, max: 900_000 })),
    compression: take(readEnum(env, signal('COMPRESSION'), ['gzip', 'none'] as const, 'none')),
  };
}

/** `k=v,k2=v2`, values percent-encoded, as OTEL_EXPORTER_OTLP_HEADERS is specified. */
function parseHeaders(raw: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const entry of raw?.split(',') ?? []) {
    const separator = entry.indexOf('=');
    if (separator <= 0) continue;
    const value = entry.slice(separator + 1).trim();
    try {
      headers[entry.slice(0, separator).trim()] = decodeURIComponent(value);
    } catch {
      headers[entry.slice(0, separator).trim()] = value;
    }
  }
  return headers;
}

// grpc is left out on purpose: @grpc/grpc-js would triple the layer and its cold start, and
// the collector layer accepts OTLP/HTTP on localhost.
function readOtlpProtocol(env: Env, warnings: string[]): 'http/protobuf' | 'http/json' {
  const protocols = ['http/protobuf', 'http/json'] as const;
  const key = env['OTEL_EXPORTER_OTLP_TRACES_PROTOCOL'] !== undefined ? 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL' : 'OTEL_EXPORTER_OTLP_PROTOCOL';
  const reading = readEnum(env, key, protocols, 'http/protobuf');
  if (reading.warning !== undefined) warnings.push(reading.warning);
  return reading.value;
}

function readParentSources(env: Env, warnings: string[]): readonly ParentSource[] {
  const fallback: readonly ParentSource[] = ['event', 'xray'];
  const { value } = readList(env, 'OTEL_LAMBDA_PARENT_SOURCES', fallback);
  const known = value.filter((item): item is ParentSource => (PARENT_SOURCES as readonly string[]).includes(item));
  if (known.length !== value.length) {
    warnings.push(`OTEL_LAMBDA_PARENT_SOURCES="${env['OTEL_LAMBDA_PARENT_SOURCES'] ?? ''}" has unknown entries (allowed: ${PARENT_SOURCES.join(', ')}); using "${known.join(',')}".`);
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
