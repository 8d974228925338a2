/**
 * Decodes OTLP/HTTP JSON bodies as the OTLP spec's JSON encoding defines them
 * (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding): lowerCamelCase keys,
 * trace/span ids as hex strings, enums as integers, 64-bit integers as strings or numbers,
 * bytes as base64.
 */
import type { Attributes, DecodedEvent, DecodedExport, DecodedLink, DecodedScope, DecodedSpan } from './otlp-types.ts';

type Json = Record<string, unknown>;

function obj(v: unknown): Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {};
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function optStr(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function num(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v !== '') return Number(v);
  return 0;
}

function optNum(v: unknown): number | undefined {
  return v === undefined ? undefined : num(v);
}

function nanos(v: unknown): bigint {
  if (typeof v === 'string' && v !== '') return BigInt(v);
  if (typeof v === 'number') return BigInt(Math.trunc(v));
  return 0n;
}

/** Same convention as the protobuf decoder: safe integers as numbers, larger ones as bigint. */
function int64(v: unknown): number | bigint {
  const big = nanos(v);
  return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
}

export function decodeJsonAnyValue(v: unknown): unknown {
  const any = obj(v);
  if ('stringValue' in any) return str(any.stringValue);
  if ('boolValue' in any) return any.boolValue === true;
  if ('intValue' in any) return int64(any.intValue);
  if ('doubleValue' in any) return num(any.doubleValue);
  if ('arrayValue' in any) return list(obj(any.arrayValue).values).map(decodeJsonAnyValue);
  if ('kvlistValue' in any) return decodeJsonAttributes(obj(any.kvlistValue).values);
  if ('bytesValue' in any) return Buffer.from(str(any.bytesValue), 'base64');
  return undefined;
}

function decodeJsonAttributes(kvs: unknown): Attributes {
  const out: Attributes = {};
  for (const kv of list(kvs)) {
    const entry = obj(kv);
    out[str(entry.key)] = decodeJsonAnyValue(entry.value);
  }
  return out;
}

function decodeScope(v: unknown): DecodedScope {
  const scope = obj(v);
  const version = optStr(scope.version);
  return version === undefined ? { name: str(scope.name) } : { name: str(scope.name), version };
}

function decodeEvent(v: unknown): DecodedEvent {
  const e = obj(v);
  return { name: str(e.name), timeUnixNano: nanos(e.timeUnixNano), attributes: decodeJsonAttributes(e.attributes) };
}

function decodeLink(v: unknown): DecodedLink {
  const l = obj(v);
  const link: DecodedLink = { traceId: str(l.traceId), spanId: str(l.spanId), attributes: decodeJsonAttributes(l.attributes) };
  const traceState = optStr(l.traceState);
  if (traceState !== undefined) link.traceState = traceState;
  const flags = optNum(l.flags);
  if (flags !== undefined) link.flags = flags;
  return link;
}

function decodeSpan(v: unknown, resource: Attributes, scope: DecodedScope): DecodedSpan {
  const s = obj(v);
  const status = obj(s.status);
  const span: DecodedSpan = {
    traceId: str(s.traceId).toLowerCase(),
    spanId: str(s.spanId).toLowerCase(),
    parentSpanId: str(s.parentSpanId).toLowerCase(),
    name: str(s.name),
    kind: num(s.kind),
    startTimeUnixNano: nanos(s.startTimeUnixNano),
    endTimeUnixNano: nanos(s.endTimeUnixNano),
    attributes: decodeJsonAttributes(s.attributes),
    status: { code: num(status.code) },
    events: list(s.events).map(decodeEvent),
    links: list(s.links).map(decodeLink),
    resource,
    scope,
  };
  const message = optStr(status.message);
  if (message !== undefined) span.status.message = message;
  const traceState = optStr(s.traceState);
  if (traceState !== undefined) span.traceState = traceState;
  const flags = optNum(s.flags);
  if (flags !== undefined) span.flags = flags;
  return span;
}

const OUTER_KEY = { traces: 'resourceSpans', metrics: 'resourceMetrics', logs: 'resourceLogs' } as const;

/**
 * Decodes an OTLP JSON export body (already parsed or as text).
 * @example decodeOtlpJson('{"resourceSpans":[]}', 'traces').spans // []
 */
export function decodeOtlpJson(body: string | unknown, signal: 'traces' | 'metrics' | 'logs'): DecodedExport {
  const root = obj(typeof body === 'string' ? JSON.parse(body) : body);
  const out: DecodedExport = { spans: [], resources: [] };
  for (const block of list(root[OUTER_KEY[signal]])) {
    const b = obj(block);
    const resource = decodeJsonAttributes(obj(b.resource).attributes);
    out.resources.push(resource);
    if (signal !== 'traces') continue;
    for (const ss of list(b.scopeSpans)) {
      const scopeSpans = obj(ss);
      const scope = decodeScope(scopeSpans.scope);
      for (const span of list(scopeSpans.spans)) out.spans.push(decodeSpan(span, resource, scope));
    }
  }
  return out;
}
