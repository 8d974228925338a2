/**
 * Decodes OTLP/HTTP protobuf bodies. Field numbers are those of opentelemetry-proto
 * (`collector/trace/v1/trace_service.proto`, `trace/v1/trace.proto`, `common/v1/common.proto`).
 * Metrics and logs share the outer shape (field 1 = Resource* with field 1 = Resource), so
 * their resource attributes are decoded too; their data points are not.
 */
import type { Attributes, DecodedEvent, DecodedExport, DecodedLink, DecodedScope, DecodedSpan } from './otlp-types.ts';
import {
  asBytes,
  asDouble,
  asFixed32,
  asFixed64,
  asHex,
  asInt64,
  asString,
  asUint,
  readFields,
} from './protobuf-reader.ts';

/** Safe integers become numbers; larger int64 values stay bigint so nothing is rounded. */
function intValue(v: bigint): number | bigint {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/** common.v1.AnyValue: a oneof, so the last field present wins. */
export function decodeAnyValue(buf: Uint8Array): unknown {
  let value: unknown;
  for (const f of readFields(buf)) {
    switch (f.no) {
      case 1: value = asString(f); break;
      case 2: value = asUint(f) !== 0; break;
      case 3: value = intValue(asInt64(f)); break;
      case 4: value = asDouble(f); break;
      case 5: value = readFields(asBytes(f)).filter((v) => v.no === 1).map((v) => decodeAnyValue(asBytes(v))); break;
      case 6: value = decodeKeyValues(readFields(asBytes(f)).filter((kv) => kv.no === 1).map(asBytes)); break;
      case 7: value = Buffer.from(asBytes(f)); break;
      default: break;
    }
  }
  return value;
}

/** A list of common.v1.KeyValue messages → plain object. */
function decodeKeyValues(kvs: Uint8Array[]): Attributes {
  const out: Attributes = {};
  for (const kv of kvs) {
    let key = '';
    let value: unknown;
    for (const f of readFields(kv)) {
      if (f.no === 1) key = asString(f);
      else if (f.no === 2) value = decodeAnyValue(asBytes(f));
    }
    out[key] = value;
  }
  return out;
}

function attributesOf(fields: ReturnType<typeof readFields>, no: number): Attributes {
  return decodeKeyValues(fields.filter((f) => f.no === no).map(asBytes));
}

function decodeResource(buf: Uint8Array): Attributes {
  return attributesOf(readFields(buf), 1);
}

function decodeScope(buf: Uint8Array): DecodedScope {
  const scope: DecodedScope = { name: '' };
  for (const f of readFields(buf)) {
    if (f.no === 1) scope.name = asString(f);
    else if (f.no === 2) scope.version = asString(f);
  }
  return scope;
}

function decodeEvent(buf: Uint8Array): DecodedEvent {
  const fields = readFields(buf);
  const event: DecodedEvent = { name: '', timeUnixNano: 0n, attributes: attributesOf(fields, 3) };
  for (const f of fields) {
    if (f.no === 1) event.timeUnixNano = asFixed64(f);
    else if (f.no === 2) event.name = asString(f);
  }
  return event;
}

function decodeLink(buf: Uint8Array): DecodedLink {
  const fields = readFields(buf);
  const link: DecodedLink = { traceId: '', spanId: '', attributes: attributesOf(fields, 4) };
  for (const f of fields) {
    if (f.no === 1) link.traceId = asHex(f);
    else if (f.no === 2) link.spanId = asHex(f);
    else if (f.no === 3) link.traceState = asString(f);
    else if (f.no === 6) link.flags = asFixed32(f);
  }
  return link;
}

function decodeSpan(buf: Uint8Array, resource: Attributes, scope: DecodedScope): DecodedSpan {
  const fields = readFields(buf);
  const span: DecodedSpan = {
    traceId: '',
    spanId: '',
    parentSpanId: '',
    name: '',
    kind: 0,
    startTimeUnixNano: 0n,
    endTimeUnixNano: 0n,
    attributes: attributesOf(fields, 9),
    status: { code: 0 },
    events: [],
    links: [],
    resource,
    scope,
  };
  for (const f of fields) {
    switch (f.no) {
      case 1: span.traceId = asHex(f); break;
      case 2: span.spanId = asHex(f); break;
      case 3: span.traceState = asString(f); break;
      case 4: span.parentSpanId = asHex(f); break;
      case 5: span.name = asString(f); break;
      case 6: span.kind = asUint(f); break;
      case 7: span.startTimeUnixNano = asFixed64(f); break;
      case 8: span.endTimeUnixNano = asFixed64(f); break;
      case 11: span.events.push(decodeEvent(asBytes(f))); break;
      case 13: span.links.push(decodeLink(asBytes(f))); break;
      case 15: span.status = decodeStatus(asBytes(f)); break;
      case 16: span.flags = asFixed32(f); break;
      default: break;
    }
  }
  return span;
}

function decodeStatus(buf: Uint8Array): DecodedSpan['status'] {
  const status: DecodedSpan['status'] = { code: 0 };
  for (const f of readFields(buf)) {
    if (f.no === 2) status.message = asString(f);
    else if (f.no === 3) status.code = asUint(f);
  }
  return status;
}

/**
 * Decodes an ExportTraceServiceRequest (or, for resources only, a metrics/logs request).
 * @example decodeOtlpProtobuf(body, 'traces').spans[0]?.name
 */
export function decodeOtlpProtobuf(body: Uint8Array, signal: 'traces' | 'metrics' | 'logs'): DecodedExport {
  const out: DecodedExport = { spans: [], resources: [] };
  for (const outer of readFields(body)) {
    if (outer.no !== 1) continue;
    const blockFields = readFields(asBytes(outer));
    let resource: Attributes = {};
    for (const f of blockFields) if (f.no === 1) resource = decodeResource(asBytes(f));
    out.resources.push(resource);
    if (signal !== 'traces') continue;
    for (const scopeSpans of blockFields) {
      if (scopeSpans.no !== 2) continue;
      const ssFields = readFields(asBytes(scopeSpans));
      let scope: DecodedScope = { name: '' };
      for (const f of ssFields) if (f.no === 1) scope = decodeScope(asBytes(f));
      for (const f of ssFields) if (f.no === 2) out.spans.push(decodeSpan(asBytes(f), resource, scope));
    }
  }
  return out;
}
