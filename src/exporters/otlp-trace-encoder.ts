import type { Attributes, AttributeValue, HrTime, Link, SpanContext, SpanStatus } from '@opentelemetry/api';
import type { InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace';
import { ProtoWriter } from './proto-writer.ts';

/** The instrumentation scope as the SDK may carry it (attributes are newer than the core type). */
export type ScopeLike = InstrumentationScope & { readonly attributes?: Attributes; readonly droppedAttributesCount?: number };

// https://github.com/open-telemetry/opentelemetry-proto/blob/main/opentelemetry/proto/trace/v1/trace.proto
const SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE = 0x100;
const SPAN_FLAGS_CONTEXT_IS_REMOTE = 0x200;
const NANOS_PER_SECOND = 1_000_000_000;
const MIN_INT64 = -(2 ** 63);
const MAX_INT64_EXCLUSIVE = 2 ** 63;
const MIN_BUFFER_BYTES = 1024;

/**
 * Encodes spans as an OTLP ExportTraceServiceRequest in protobuf, with the same bytes as the
 * SDK's ProtobufTraceSerializer (the unit tests compare them).
 *
 * Why not that serializer: it writes every request twice (a size-estimating pass, then the real
 * one), encodes the resource and scope again for each request although they never change in a
 * function, and allocates an array for each trace and span id. Measured on Node 24 in the local
 * Lambda, it made up most of the layer's 2.3 kB of garbage per exported span and 90 µs of
 * each hello-world invocation's export; garbage that makes V8 grow the young generation of a
 * long-lived sandbox. Here one pass writes into one buffer, and the resource and scope
 * messages are encoded once and copied.
 */
export class OtlpTraceEncoder {
  private readonly resources = new WeakMap<Resource, Uint8Array>();
  private readonly scopes = new WeakMap<InstrumentationScope, Uint8Array>();
  private sizeHint = MIN_BUFFER_BYTES;

  encode(spans: readonly ReadableSpan[]): Uint8Array {
    const writer = new ProtoWriter(this.sizeHint);
    for (const [resource, byScope] of groupByResourceAndScope(spans)) {
      writer.tag(1, 2); // ExportTraceServiceRequest.resource_spans
      const resourceSpans = writer.beginMessage();
      writer.tag(1, 2); // ResourceSpans.resource
      writer.raw(this.encodedResource(resource));
      for (const [scope, scopeSpans] of byScope) {
        writer.tag(2, 2); // ResourceSpans.scope_spans
        const scopeSpansStart = writer.beginMessage();
        writer.tag(1, 2); // ScopeSpans.scope
        writer.raw(this.encodedScope(scope));
        for (const span of scopeSpans) {
          writer.tag(2, 2); // ScopeSpans.spans
          writeSpan(writer, span);
        }
        if (scope.schemaUrl) stringField(writer, 3, scope.schemaUrl);
        writer.endMessage(scopeSpansStart);
      }
      if (resource.schemaUrl) stringField(writer, 3, resource.schemaUrl);
      writer.endMessage(resourceSpans);
    }
    const body = writer.finish();
    this.sizeHint = Math.max(MIN_BUFFER_BYTES, body.byteLength + (body.byteLength >>> 2));
    return body;
  }

  /** Encodes the resource ahead of the first export (it is constant for the process). */
  prepare(resource: Resource): void {
    // A resource still waiting for detectors would be encoded without their attributes.
    if (resource.asyncAttributesPending !== true) this.encodedResource(resource);
  }

  /** The Resource message with its length prefix, encoded once per resource. */
  encodedResource(resource: Resource): Uint8Array {
    let encoded = this.resources.get(resource);
    if (encoded === undefined) {
      const writer = new ProtoWriter(MIN_BUFFER_BYTES);
      const start = writer.beginMessage();
      writeAttributes(writer, 1, resource.attributes);
      writer.tag(2, 0); // dropped_attributes_count
      writer.varint(0);
      writer.endMessage(start);
      encoded = Uint8Array.from(writer.finish());
      this.resources.set(resource, encoded);
    }
    return encoded;
  }

  /** The InstrumentationScope message with its length prefix, encoded once per scope. */
  encodedScope(scope: ScopeLike): Uint8Array {
    let encoded = this.scopes.get(scope);
    if (encoded === undefined) {
      const writer = new ProtoWriter(256);
      const start = writer.beginMessage();
      stringField(writer, 1, scope.name);
      if (scope.version) stringField(writer, 2, scope.version);
      if (scope.attributes) writeAttributes(writer, 3, scope.attributes);
      if (scope.droppedAttributesCount) {
        writer.tag(4, 0);
        writer.varint(scope.droppedAttributesCount);
      }
      writer.endMessage(start);
      encoded = Uint8Array.from(writer.finish());
      this.scopes.set(scope, encoded);
    }
    return encoded;
  }
}

/** Spans grouped by resource, then scope, each in first-seen order (as the SDK groups them). */
function groupByResourceAndScope(spans: readonly ReadableSpan[]): Map<Resource, Map<ScopeLike, ReadableSpan[]>> {
  const byResource = new Map<Resource, Map<ScopeLike, ReadableSpan[]>>();
  for (const span of spans) {
    let byScope = byResource.get(span.resource);
    if (byScope === undefined) byResource.set(span.resource, (byScope = new Map()));
    const scoped = byScope.get(span.instrumentationScope);
    if (scoped === undefined) byScope.set(span.instrumentationScope, [span]);
    else scoped.push(span);
  }
  return byResource;
}

/** A Span message with its length prefix (the caller writes the field's tag). */
export function writeSpan(writer: ProtoWriter, span: ReadableSpan): void {
  const start = writer.beginMessage();
  const context = span.spanContext();
  writer.tag(1, 2);
  writer.hexBytes(context.traceId);
  writer.tag(2, 2);
  writer.hexBytes(context.spanId);
  const traceState = context.traceState?.serialize();
  if (traceState) stringField(writer, 3, traceState);
  const parentSpanId = span.parentSpanContext?.spanId;
  if (parentSpanId) {
    writer.tag(4, 2);
    writer.hexBytes(parentSpanId);
  }
  stringField(writer, 5, span.name);
  // OTLP's SpanKind counts from UNSPECIFIED = 0; the API's starts at INTERNAL = 0.
  writer.tag(6, 0);
  writer.varint(span.kind + 1);
  writer.tag(7, 1);
  writeTime(writer, span.startTime);
  writer.tag(8, 1);
  writeTime(writer, span.endTime);
  writeAttributes(writer, 9, span.attributes);
  writer.tag(10, 0);
  writer.varint(span.droppedAttributesCount);
  for (const event of span.events) {
    writer.tag(11, 2);
    writeEvent(writer, event);
  }
  writer.tag(12, 0);
  writer.varint(span.droppedEventsCount);
  for (const link of span.links) {
    writer.tag(13, 2);
    writeLink(writer, link);
  }
  writer.tag(14, 0);
  writer.varint(span.droppedLinksCount);
  writer.tag(15, 2);
  writeStatus(writer, span.status);
  writer.tag(16, 5);
  writer.fixed32(spanFlags(context, span.parentSpanContext?.isRemote));
  writer.endMessage(start);
}

function writeEvent(writer: ProtoWriter, event: TimedEvent): void {
  const start = writer.beginMessage();
  writer.tag(1, 1);
  writeTime(writer, event.time);
  stringField(writer, 2, event.name);
  if (event.attributes) writeAttributes(writer, 3, event.attributes);
  writer.tag(4, 0);
  writer.varint(event.droppedAttributesCount ?? 0);
  writer.endMessage(start);
}

function writeLink(writer: ProtoWriter, link: Link): void {
  const start = writer.beginMessage();
  writer.tag(1, 2);
  writer.hexBytes(link.context.traceId);
  writer.tag(2, 2);
  writer.hexBytes(link.context.spanId);
  const traceState = link.context.traceState?.serialize();
  if (traceState) stringField(writer, 3, traceState);
  if (link.attributes) writeAttributes(writer, 4, link.attributes);
  writer.tag(5, 0);
  writer.varint(link.droppedAttributesCount ?? 0);
  writer.tag(6, 5);
  writer.fixed32(spanFlags(link.context, link.context.isRemote));
  writer.endMessage(start);
}

function writeStatus(writer: ProtoWriter, status: SpanStatus): void {
  const start = writer.beginMessage();
  if (status.message) stringField(writer, 2, status.message);
  writer.tag(3, 0);
  writer.varint(status.code);
  writer.endMessage(start);
}

function spanFlags(context: SpanContext, isRemote: boolean | undefined): number {
  return (context.traceFlags & 0xff) | SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE | (isRemote === true ? SPAN_FLAGS_CONTEXT_IS_REMOTE : 0);
}

export function stringField(writer: ProtoWriter, field: number, value: string): void {
  writer.tag(field, 2);
  writer.string(value);
}

/**
 * fixed64 nanoseconds since the epoch from [seconds, nanoseconds], split into 32-bit halves
 * whose every intermediate product stays below 2^53 (seconds × 1e9 alone would not).
 */
function writeTime(writer: ProtoWriter, [seconds, nanos]: HrTime): void {
  const fromLow16 = (seconds & 0xffff) * NANOS_PER_SECOND;
  const fromHigh = ((seconds / 0x10000) >>> 0) * NANOS_PER_SECOND;
  const lowSum = (fromLow16 >>> 0) + (((fromHigh & 0xffff) * 0x10000) >>> 0) + nanos;
  const carry = Math.floor(lowSum / 0x100000000);
  writer.fixed64(lowSum >>> 0, Math.floor(fromLow16 / 0x100000000) + ((fromHigh / 0x10000) >>> 0) + carry);
}

function writeAttributes(writer: ProtoWriter, field: number, attributes: Attributes): void {
  for (const key in attributes) {
    if (!Object.prototype.hasOwnProperty.call(attributes, key)) continue;
    writer.tag(field, 2);
    writeKeyValue(writer, key, attributes[key]);
  }
}

function writeKeyValue(writer: ProtoWriter, key: string, value: unknown): void {
  const start = writer.beginMessage();
  stringField(writer, 1, key);
  writer.tag(2, 2);
  writeAnyValue(writer, value);
  writer.endMessage(start);
}

/** An AnyValue message with its length prefix; a value of no OTLP type is written empty. */
function writeAnyValue(writer: ProtoWriter, value: AttributeValue | unknown): void {
  const start = writer.beginMessage();
  if (typeof value === 'string') {
    stringField(writer, 1, value);
  } else if (typeof value === 'boolean') {
    writer.tag(2, 0);
    writer.varint(value ? 1 : 0);
  } else if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= MIN_INT64 && value < MAX_INT64_EXCLUSIVE) {
      writer.tag(3, 0);
      writer.int64(value);
    } else {
      writer.tag(4, 1);
      writer.double(value);
    }
  } else if (value instanceof Uint8Array) {
    writer.tag(7, 2);
    writer.bytes(value);
  } else if (Array.isArray(value)) {
    writer.tag(5, 2);
    const array = writer.beginMessage();
    for (const item of value as unknown[]) {
      writer.tag(1, 2);
      writeAnyValue(writer, item);
    }
    writer.endMessage(array);
  } else if (typeof value === 'object' && value !== null) {
    writer.tag(6, 2);
    const list = writer.beginMessage();
    for (const key in value) {
      if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
      writer.tag(1, 2);
      writeKeyValue(writer, key, (value as Record<string, unknown>)[key]);
    }
    writer.endMessage(list);
  }
  writer.endMessage(start);
}
