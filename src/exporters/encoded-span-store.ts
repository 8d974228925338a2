import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import type { SpanStore } from '../tracing/export-queue.ts';
import { stringField, writeSpan, type OtlpTraceEncoder, type ScopeLike } from './otlp-trace-encoder.ts';
import { ProtoWriter } from './proto-writer.ts';

/** Sends one encoded ExportTraceServiceRequest (see OtlpHttpSpanExporter.exportEncoded). */
export type EncodedSend = (body: Uint8Array, spanCount: number, done: (result: ExportResult) => void) => void;

const INITIAL_BYTES = 4096;
/** A queue buffer grown past this by a burst is given back once it empties. */
const KEPT_BYTES = 256 * 1024;
const INITIAL_SPANS = 64;

/**
 * Ended spans, each encoded as it arrives (an OTLP `ScopeSpans.spans` field) into one buffer that
 * lives as long as the process; the span object is garbage from then on. An export copies the
 * first spans' bytes into a request, grouped by scope in the order the scopes first appear, with
 * the resource and scope messages the encoder encoded once: the same bytes the SDK's serializer
 * writes for the same spans (the unit tests compare them).
 *
 * Why: the SDK's batch processor holds every span object, with its attribute, event and link
 * objects, until the flush, and the serializer then walks them. Here nothing of a span outlives
 * its end but its bytes.
 */
export class EncodedSpanStore implements SpanStore {
  private readonly encoder: OtlpTraceEncoder;
  private readonly send: EncodedSend;
  private pending = new ProtoWriter(INITIAL_BYTES);
  /** Per queued span: where its bytes start and which scope it belongs to. */
  private starts = new Uint32Array(INITIAL_SPANS + 1);
  private scopeIndexes = new Uint16Array(INITIAL_SPANS);
  private readonly scopes: ScopeLike[] = [];
  private resource: Resource | undefined;
  private count = 0;

  constructor(encoder: OtlpTraceEncoder, send: EncodedSend) {
    this.encoder = encoder;
    this.send = send;
  }

  get size(): number {
    return this.count;
  }

  add(span: ReadableSpan): void {
    // One provider makes every span this store sees, so they share one resource.
    this.resource ??= span.resource;
    if (this.count + 1 >= this.starts.length) this.grow();
    this.starts[this.count] = this.pending.pos;
    this.pending.tag(2, 2); // ScopeSpans.spans
    writeSpan(this.pending, span);
    this.scopeIndexes[this.count] = this.scopeIndex(span.instrumentationScope);
    this.count++;
    this.starts[this.count] = this.pending.pos;
  }

  exportFront(max: number, done: (result: ExportResult) => void): void {
    const taken = Math.min(max, this.count);
    const resource = this.resource;
    if (taken === 0 || resource === undefined) return done({ code: ExportResultCode.SUCCESS });
    const body = this.request(resource, taken);
    this.dropFront(taken);
    this.send(body, taken, done);
  }

  /** ExportTraceServiceRequest { resource_spans { resource, scope_spans* } } of the first `taken` spans. */
  private request(resource: Resource, taken: number): Uint8Array {
    const encodedResource = this.encoder.encodedResource(resource);
    const spanBytes = (this.starts[taken] as number) - (this.starts[0] as number);
    const writer = new ProtoWriter(spanBytes + encodedResource.byteLength + 256 * this.scopes.length + 32);
    writer.tag(1, 2); // ExportTraceServiceRequest.resource_spans
    const resourceSpans = writer.beginMessage();
    writer.tag(1, 2); // ResourceSpans.resource
    writer.raw(encodedResource);
    for (const scopeIndex of this.scopesInOrder(taken)) {
      const scope = this.scopes[scopeIndex] as ScopeLike;
      writer.tag(2, 2); // ResourceSpans.scope_spans
      const scopeSpans = writer.beginMessage();
      writer.tag(1, 2); // ScopeSpans.scope
      writer.raw(this.encoder.encodedScope(scope));
      for (let index = 0; index < taken; index++) {
        if (this.scopeIndexes[index] === scopeIndex) writer.rawFrom(this.pending, this.starts[index] as number, this.starts[index + 1] as number);
      }
      if (scope.schemaUrl) stringField(writer, 3, scope.schemaUrl);
      writer.endMessage(scopeSpans);
    }
    if (resource.schemaUrl) stringField(writer, 3, resource.schemaUrl);
    writer.endMessage(resourceSpans);
    return writer.finish();
  }

  /** The scopes of the first `taken` spans, in the order they first appear (as the SDK groups them). */
  private scopesInOrder(taken: number): number[] {
    const order: number[] = [];
    for (let index = 0; index < taken; index++) {
      const scopeIndex = this.scopeIndexes[index] as number;
      if (!order.includes(scopeIndex)) order.push(scopeIndex);
    }
    return order;
  }

  private scopeIndex(scope: ScopeLike): number {
    const index = this.scopes.indexOf(scope);
    if (index !== -1) return index;
    this.scopes.push(scope);
    return this.scopes.length - 1;
  }

  private dropFront(taken: number): void {
    if (taken === this.count) {
      this.count = 0;
      // A buffer a burst made large goes back to its first size.
      if (this.pending.capacity > KEPT_BYTES) this.pending = new ProtoWriter(INITIAL_BYTES);
      else this.pending.pos = 0;
      return;
    }
    const offset = this.starts[taken] as number;
    this.pending.dropFront(offset);
    this.starts.copyWithin(0, taken, this.count + 1);
    this.scopeIndexes.copyWithin(0, taken, this.count);
    this.count -= taken;
    for (let index = 0; index <= this.count; index++) this.starts[index] = (this.starts[index] as number) - offset;
  }

  private grow(): void {
    const starts = new Uint32Array(this.starts.length * 2);
    starts.set(this.starts);
    this.starts = starts;
    const scopeIndexes = new Uint16Array(this.scopeIndexes.length * 2);
    scopeIndexes.set(this.scopeIndexes);
    this.scopeIndexes = scopeIndexes;
  }
}
