import { mergeHeaders, parseOtlpHeaders, type HeaderSet } from './otlp-headers.ts';
import { quoted, readEnum, readInt, type Env, type Reading } from './readers.ts';

export type OtlpProtocol = 'http/protobuf' | 'http/json';
export type OtlpSignal = 'traces' | 'metrics' | 'logs';

export interface OtlpSettings {
  readonly protocol: OtlpProtocol;
  /** Validated: http or https, no credentials in it. */
  readonly url: string;
  /** Validated names and values (see otlp-headers.ts), values as Unicode text. */
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly compression: 'gzip' | 'none';
}

export const DEFAULT_OTLP_ENDPOINT = 'http://localhost:4318';
// grpc is left out on purpose: @grpc/grpc-js would triple the layer and its cold start, and
// the collector layer accepts OTLP/HTTP on localhost.
const PROTOCOLS: readonly OtlpProtocol[] = ['http/protobuf', 'http/json'];
const COMPRESSIONS = ['gzip', 'none'] as const;
const TIMEOUT_BOUNDS = { min: 1, max: 900_000 };

/**
 * Every OTEL_EXPORTER_OTLP_* variable, by the specification's rules
 * (https://opentelemetry.io/docs/specs/otel/protocol/exporter/): a signal's own variable wins
 * over the generic one; the generic endpoint gets the signal's path appended, the signal's own
 * is used as given. Each variable is read, and warned about, once, though three signals use the
 * generic ones.
 */
export function readOtlpSettings(env: Env): { settings: Readonly<Record<OtlpSignal, OtlpSettings>>; warnings: string[] } {
  const warnings: string[] = [];
  const take = <T>(reading: Reading<T>): T => {
    if (reading.warning !== undefined) warnings.push(reading.warning);
    return reading.value;
  };
  const generic = {
    protocol: take(readEnum(env, 'OTEL_EXPORTER_OTLP_PROTOCOL', PROTOCOLS, 'http/protobuf')),
    endpoint: take(readEndpoint(env, 'OTEL_EXPORTER_OTLP_ENDPOINT')),
    headers: takeHeaders(env, 'OTEL_EXPORTER_OTLP_HEADERS', warnings),
    timeoutMs: take(readInt(env, 'OTEL_EXPORTER_OTLP_TIMEOUT', 10_000, TIMEOUT_BOUNDS)),
    compression: take(readEnum(env, 'OTEL_EXPORTER_OTLP_COMPRESSION', COMPRESSIONS, 'none')),
  };
  const forSignal = (signal: OtlpSignal): OtlpSettings => {
    const prefix = `OTEL_EXPORTER_OTLP_${signal.toUpperCase()}_`;
    const own = take(readEndpoint(env, `${prefix}ENDPOINT`));
    return {
      protocol: take(readEnum(env, `${prefix}PROTOCOL`, PROTOCOLS, generic.protocol)),
      url: own?.href ?? withSignalPath(generic.endpoint ?? new URL(DEFAULT_OTLP_ENDPOINT), signal),
      headers: mergeHeaders(generic.headers, takeHeaders(env, `${prefix}HEADERS`, warnings)),
      timeoutMs: take(readInt(env, `${prefix}TIMEOUT`, generic.timeoutMs, TIMEOUT_BOUNDS)),
      compression: take(readEnum(env, `${prefix}COMPRESSION`, COMPRESSIONS, generic.compression)),
    };
  };
  return { settings: Object.freeze({ traces: forSignal('traces'), metrics: forSignal('metrics'), logs: forSignal('logs') }), warnings };
}

function takeHeaders(env: Env, variable: string, warnings: string[]): HeaderSet {
  const reading = parseOtlpHeaders(variable, env[variable]);
  warnings.push(...reading.warnings);
  return reading.headers;
}

/** The base endpoint with `/v1/<signal>` added to its path (query kept), as the specification says. */
function withSignalPath(base: URL, signal: OtlpSignal): string {
  const url = new URL(base.href);
  url.pathname = `${url.pathname.replace(/\/$/, '')}/v1/${signal}`;
  return url.href;
}

/**
 * An endpoint the exporter may send to: an http or https URL. Credentials in it (`user:pass@`)
 * would never be sent (OTLP/HTTP authenticates with headers) and must not be printed either.
 */
function readEndpoint(env: Env, variable: string): Reading<URL | undefined> {
  const raw = env[variable]?.trim();
  if (raw === undefined || raw === '') return { value: undefined };
  const fallback = 'the endpoint the other variables give, else http://localhost:4318';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { value: undefined, warning: `${variable}=${quoted(raw)} is not a URL (allowed: an http:// or https:// URL); using ${fallback}.` };
  }
  if (url.username !== '' || url.password !== '') {
    url.username = '';
    url.password = '';
    return {
      value: undefined,
      warning: `${variable} holds credentials in its URL (user:password@ before ${quoted(url.host)}), which OTLP/HTTP never sends; put them in OTEL_EXPORTER_OTLP_HEADERS instead. Using ${fallback}.`,
    };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { value: undefined, warning: `${variable}=${quoted(raw)} is not an http:// or https:// URL; using ${fallback}.` };
  }
  // A fragment is never part of a request.
  url.hash = '';
  return { value: url };
}
