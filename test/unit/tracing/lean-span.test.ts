/**
 * The layer's lean tracer against the SDK's: the same operations on both, with the same ids,
 * times, limits and sampler, must give the same OTLP bytes (the lean spans encoded as they end,
 * the SDK's by its own serializer) and the same ReadableSpan fields for span processors.
 */
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, TraceFlags, context, trace, type AttributeValue, type Attributes, type Context, type HrTime, type Link, type Span, type Tracer } from '@opentelemetry/api';
import { ExportResultCode, TraceState } from '@opentelemetry/core';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  TracerProvider,
  type IdGenerator,
  type ReadableSpan,
  type Sampler,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace';
import fc from 'fast-check';
import { emitInitSpan } from '../../../src/coldstart/init-span.ts';
import type { SpanLimits } from '../../../src/config/index.ts';
import { EncodedSpanStore } from '../../../src/exporters/encoded-span-store.ts';
import { OtlpTraceEncoder } from '../../../src/exporters/otlp-trace-encoder.ts';
import { payloadCapture } from '../../../src/invocation/payload-capture.ts';
import { ExportQueue } from '../../../src/tracing/export-queue.ts';
import { describeBatchItemFailures } from '../../../src/triggers/batch-item-failures.ts';
import { LEAN_ROOT_CONTEXT } from '../../../src/tracing/lean-context.ts';
import { LeanTracerProvider } from '../../../src/tracing/lean-tracer-provider.ts';

const RESOURCE = resourceFromAttributes({ 'service.name': 'orders', 'cloud.provider': 'aws' });
const DEFAULT_LIMITS: SpanLimits = {
  attributeCountLimit: 128,
  attributeValueLengthLimit: Infinity,
  eventCountLimit: 128,
  linkCountLimit: 128,
  attributePerEventCountLimit: 128,
  attributePerLinkCountLimit: 128,
};
const REMOTE_PARENT = trace.setSpanContext(ROOT_CONTEXT, {
  traceId: '5759e988bd862e3fe1be46a994272793',
  spanId: '53995c3f42cd8ad8',
  traceFlags: TraceFlags.SAMPLED,
  isRemote: true,
  traceState: new TraceState('rojo=00f067aa0ba902b7'),
});

/** Ids counting up from 1, the same sequence for both providers. */
class CountingIds implements IdGenerator {
  private next = 1;
  generateTraceId = (): string => (this.next++).toString(16).padStart(32, '0');
  generateSpanId = (): string => (this.next++).toString(16).padStart(16, '0');
}

/** Records what a span processor saw, as plain data. */
class RecordingProcessor implements SpanProcessor {
  readonly seen: unknown[] = [];
  readonly ended: ReadableSpan[] = [];
  onStart(span: Span & ReadableSpan): void {
    span.setAttribute('added.on.start', true);
    this.seen.push(['start', span.name]);
  }
  onEnd(span: ReadableSpan): void {
    this.ended.push(span);
    this.seen.push(['end', readable(span)]);
  }
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

function readable(span: ReadableSpan): unknown {
  return {
    name: span.name,
    kind: span.kind,
    spanContext: span.spanContext(),
    parentSpanContext: span.parentSpanContext,
    startTime: span.startTime,
    endTime: span.endTime,
    duration: span.duration,
    status: span.status,
    attributes: span.attributes,
    links: span.links,
    events: span.events,
    ended: span.ended,
    droppedAttributesCount: span.droppedAttributesCount,
    droppedEventsCount: span.droppedEventsCount,
    droppedLinksCount: span.droppedLinksCount,
    instrumentationScope: span.instrumentationScope,
  };
}

interface Both {
  sdkBytes: string;
  leanBytes: string;
  sdkSeen: unknown[];
  leanSeen: unknown[];
}

/** Runs `operations` with an SDK tracer and a lean one; returns what each exported and showed its processors. */
function runBoth(operations: (tracer: Tracer, root: Context) => void, options: { limits?: SpanLimits; sampler?: () => Sampler } = {}): Both {
  const limits = options.limits ?? DEFAULT_LIMITS;
  const sampler = options.sampler ?? (() => new ParentBasedSampler({ root: new AlwaysOnSampler() }));
  const sdkRecorder = new RecordingProcessor();
  const sdk = new TracerProvider({ resource: RESOURCE, sampler: sampler(), idGenerator: new CountingIds(), spanLimits: limits, spanProcessors: [sdkRecorder] });
  operations(sdk.getTracer('orders', '1.2.3'), ROOT_CONTEXT);
  // What the SDK's batch processor would export: the sampled spans, in the order they ended.
  const sdkSpans = sdkRecorder.ended.filter((span) => (span.spanContext().traceFlags & TraceFlags.SAMPLED) !== 0);

  const bodies: Buffer[] = [];
  const store = new EncodedSpanStore(new OtlpTraceEncoder(), (body, _count, done) => {
    bodies.push(Buffer.from(body));
    done({ code: ExportResultCode.SUCCESS });
  });
  const queue = new ExportQueue(store, { maxQueueSize: 100_000, maxExportBatchSize: 100_000, scheduledDelayMs: 60_000, onDropped: () => undefined });
  const leanRecorder = new RecordingProcessor();
  const lean = new LeanTracerProvider({ resource: RESOURCE, sampler: sampler(), limits, processors: [leanRecorder], queue, ids: new CountingIds() });
  operations(lean.getTracer('orders', '1.2.3'), LEAN_ROOT_CONTEXT);
  void queue.forceFlush();
  void queue.shutdown();
  return {
    sdkBytes: sdkSpans.length === 0 ? '' : Buffer.from(ProtobufTraceSerializer.serializeRequest(sdkSpans)!).toString('hex'),
    leanBytes: Buffer.concat(bodies).toString('hex'),
    sdkSeen: sdkRecorder.seen,
    leanSeen: leanRecorder.seen,
  };
}

function expectSame(both: Both): void {
  expect(both.leanBytes).toBe(both.sdkBytes);
  expect(both.leanSeen).toEqual(both.sdkSeen);
}

const T0: HrTime = [1_700_000_000, 100_000_000];
const at = (ms: number): HrTime => [T0[0] + Math.floor(ms / 1000), T0[1] + (ms % 1000) * 1_000_000];

describe('the lean tracer, compared with the SDK tracer for the same operations', () => {
  it('exports the same bytes for an invocation span with a child, events, links, status and an exception', () => {
    // Prepare
    const link: Link = { context: { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.SAMPLED, isRemote: true }, attributes: { 'messaging.system': 'aws_sqs' } };
    // One error for both runs: its stack trace is part of the bytes.
    const error = new RangeError('out of stock');
    const operations = (tracer: Tracer, root: Context): void => {
      const invocation = tracer.startSpan('GET /orders', { kind: SpanKind.SERVER, attributes: { 'faas.coldstart': true, 'http.route': '/orders', tags: ['a', 'b'] }, links: [link], startTime: at(0) }, trace.setSpanContext(root, trace.getSpanContext(REMOTE_PARENT)!));
      const child = tracer.startSpan('GET', { kind: SpanKind.CLIENT, startTime: at(1) }, trace.setSpan(root, invocation));
      child.setAttributes({ 'url.full': 'http://localhost/stock', 'http.response.status_code': 200 });
      child.addEvent('retry', { attempt: 2 }, at(2));
      child.recordException(error, at(3));
      child.setStatus({ code: SpanStatusCode.ERROR, message: 'out of stock' });
      child.end(at(4));
      invocation.addLink({ context: child.spanContext() });
      invocation.updateName('GET /orders/{id}');
      invocation.setStatus({ code: SpanStatusCode.OK });
      invocation.setStatus({ code: SpanStatusCode.ERROR, message: 'ignored: OK is final' });
      invocation.end(at(5));
      invocation.setAttribute('after.end', 'ignored');
    };

    // Act
    const both = runBoth(operations);

    // Assess
    expect(both.sdkBytes.length).toBeGreaterThan(0);
    expectSame(both);
  });

  it('applies span limits as the SDK does (counts, per-event and per-link counts, value length)', () => {
    // Prepare
    const limits: SpanLimits = { attributeCountLimit: 3, attributeValueLengthLimit: 4, eventCountLimit: 2, linkCountLimit: 1, attributePerEventCountLimit: 1, attributePerLinkCountLimit: 1 };
    const link = (n: number): Link => ({ context: { traceId: `${n}`.padStart(32, 'a'), spanId: `${n}`.padStart(16, 'b'), traceFlags: 1 }, attributes: { one: 1, two: 2 } });
    const operations = (tracer: Tracer, root: Context): void => {
      const span = tracer.startSpan('limited', { attributes: { long: 'abcdefgh', list: ['abcdef', 'gh'], mixed: ['abcdef', 7] as unknown as string[] }, links: [link(1), link(2)], startTime: at(0) }, root);
      span.setAttribute('third', 'xyzxyz');
      span.setAttribute('fourth', 'dropped');
      span.setAttribute('long', 'overwritten value');
      for (let n = 0; n < 4; n++) span.addEvent(`event ${n}`, { a: 1, b: 2 }, at(n));
      span.end(at(9));
    };

    // Act
    const both = runBoth(operations, { limits });

    // Assess
    expectSame(both);
  });

  it('samples as the SDK does: always off, ratio, parent-based with an unsampled parent', () => {
    // Prepare
    const unsampledParent = (root: Context): Context => trace.setSpanContext(root, { traceId: '5759e988bd862e3fe1be46a994272793', spanId: '53995c3f42cd8ad8', traceFlags: TraceFlags.NONE, isRemote: true });
    const operations = (tracer: Tracer, root: Context): void => {
      for (let n = 0; n < 20; n++) tracer.startSpan(`root ${n}`, { startTime: at(n) }, root).end(at(n + 1));
      tracer.startSpan('child of unsampled', { startTime: at(0) }, unsampledParent(root)).end(at(1));
    };

    // Act
    const results = [() => new AlwaysOffSampler(), () => new TraceIdRatioBasedSampler(0.5), () => new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(0.5) })].map((sampler) =>
      runBoth(operations, { sampler }),
    );

    // Assess
    for (const both of results) expectSame(both);
    expect(results[0]?.leanBytes).toBe('');
  });

  it('gives suppressed and non-recording spans the context the SDK gives them', () => {
    // Prepare
    const contexts = (tracer: Tracer, root: Context): unknown[] => {
      const suppressed = tracer.startSpan('suppressed', {}, root.setValue(Symbol.for('OpenTelemetry SDK Context Key SUPPRESS_TRACING'), true));
      const unsampled = tracer.startSpan('unsampled', {}, trace.setSpanContext(root, { traceId: '5759e988bd862e3fe1be46a994272793', spanId: '53995c3f42cd8ad8', traceFlags: TraceFlags.NONE }));
      return [suppressed.isRecording(), suppressed.spanContext(), unsampled.isRecording(), unsampled.spanContext().traceId, unsampled.spanContext().traceFlags];
    };
    const sdk = new TracerProvider({ resource: RESOURCE, idGenerator: new CountingIds() });
    const lean = new LeanTracerProvider({ resource: RESOURCE, sampler: new ParentBasedSampler({ root: new AlwaysOnSampler() }), limits: DEFAULT_LIMITS, processors: [], queue: undefined, ids: new CountingIds() });

    // Act
    const expected = contexts(sdk.getTracer('t'), ROOT_CONTEXT);
    const actual = contexts(lean.getTracer('t'), LEAN_ROOT_CONTEXT);

    // Assess
    expect(actual).toEqual(expected);
  });

  it('runs a callback in the span’s context with startActiveSpan, with or without options and context', () => {
    // Prepare
    const lean = new LeanTracerProvider({ resource: RESOURCE, sampler: new AlwaysOnSampler(), limits: DEFAULT_LIMITS, processors: [], queue: undefined, ids: new CountingIds() });
    const tracer = lean.getTracer('t');

    // Act
    const activeIds = [
      tracer.startActiveSpan('a', (span) => [trace.getActiveSpan() === span, span.isRecording()]),
      tracer.startActiveSpan('b', { kind: SpanKind.CLIENT }, (span) => trace.getActiveSpan() === span),
      tracer.startActiveSpan('c', {}, trace.setSpanContext(LEAN_ROOT_CONTEXT, trace.getSpanContext(REMOTE_PARENT)!), (span) => (span as unknown as ReadableSpan).parentSpanContext?.spanId),
    ];

    // Assess
    expect(activeIds).toEqual([[false, true], false, '53995c3f42cd8ad8']);
  });

  it.each([
    ['a child of the first invocation (on demand)', false],
    ['a trace of its own linked from the first invocation (provisioned concurrency, Managed Instances)', true],
  ])('exports the same bytes for the layer’s own spans: the init span as %s, payload and batch failure attributes', (_name, ownTrace) => {
    // Prepare: the times the layer gives, epoch milliseconds with a fraction (the process start is
    // performance.timeOrigin), and a value length limit that cuts the captured payload.
    const origin = 1_700_000_000_123.456;
    const limits: SpanLimits = { ...DEFAULT_LIMITS, attributeValueLengthLimit: 40 };
    const capture = payloadCapture({ enabled: true, maxDepth: 10, maxLength: 4096, redactKeys: [] });
    const records = [{ messageId: 'm-1' }, { messageId: 'm-2' }, { messageId: 'm-3' }];
    const event = { Records: records, authorization: 'Bearer secret' };
    const result = { batchItemFailures: [{ itemIdentifier: 'm-2' }, { itemIdentifier: 'm-3' }] };
    const initData = (parent: Context | undefined) => ({
      parent,
      startTime: origin,
      endTime: origin + 180.25,
      attributes: { 'faas.coldstart': true, 'aws.lambda.initialization_type': ownTrace ? 'provisioned-concurrency' : 'on-demand' },
      phases: [
        { id: 1, name: 'otel-lambda-layer start', startTime: origin + 20.5, endTime: origin + 60.75 },
        { id: 2, name: 'load handler', startTime: origin + 61, endTime: origin + 180.25, attributes: { 'code.file.path': '/var/task/index.js' } },
        { id: 3, name: 'import pg', startTime: origin + 70, endTime: origin + 90, parentId: 2 },
      ],
    });
    const operations = (tracer: Tracer, root: Context): void => {
      const initContext = ownTrace ? emitInitSpan(tracer, initData(undefined)) : undefined;
      const links: Link[] = initContext === undefined ? [] : [{ context: initContext }];
      const invocation = tracer.startSpan('orders process', { kind: SpanKind.CONSUMER, attributes: { 'faas.coldstart': true }, links, startTime: origin + 200 }, root);
      const start = { event, lambdaContext: {}, coldStart: true };
      if (!ownTrace) emitInitSpan(tracer, initData(trace.setSpan(root, invocation)));
      capture.started?.(invocation, start);
      // The runtime posts the result as JSON; the layer reads the failures from what it posted.
      const batch = describeBatchItemFailures(JSON.stringify(result), { records, idOf: (record) => (record as { messageId: string }).messageId, unknownIdFailsBatch: true }, 50);
      invocation.setAttributes(batch.attributes);
      capture.ending?.(invocation, { status: 'ok', result }, start);
      invocation.end(origin + 230.5);
    };

    // Act
    const both = runBoth(operations, { limits });

    // Assess
    const ended = both.leanSeen.filter((seen): seen is [string, { name: string; attributes: Attributes; links: Link[] }] => (seen as unknown[])[0] === 'end').map(([, span]) => span);
    // Phases end as they are emitted, in start order; the invocation span last.
    expect(ended.map((span) => span.name)).toEqual(['otel-lambda-layer start', 'load handler', 'import pg', 'init', 'orders process']);
    const invocation = ended.find((span) => span.name === 'orders process')!;
    expect(Object.keys(invocation.attributes)).toEqual(expect.arrayContaining(['aws.lambda.event', 'aws.lambda.response', 'aws.lambda.batch_item_failures.count', 'aws.lambda.batch_item_failures.item_identifiers']));
    expect(invocation.links).toHaveLength(ownTrace ? 1 : 0);
    expectSame(both);
  });

  it('exports the same bytes for a failed init’s span: ERROR status, the exception event, the failed phase ended with it', () => {
    // Prepare
    const origin = 1_700_000_000_500.125;
    const failure = { type: 'Runtime.ImportModuleError', message: "Error: Cannot find module 'missing'", stack: "Runtime.ImportModuleError: Error: Cannot find module 'missing'\n    at x (file:///var/runtime/index.mjs:1:1)" };
    const operations = (tracer: Tracer): void => {
      emitInitSpan(tracer, {
        parent: undefined,
        startTime: origin,
        endTime: origin + 95.5,
        attributes: { 'faas.coldstart': true },
        phases: [{ id: 1, name: 'load handler', startTime: origin + 40, failed: true, attributes: { 'code.file.path': '/var/task/index.mjs' } }],
        failure,
      });
    };

    // Act
    const both = runBoth(operations);

    // Assess
    expect(both.sdkBytes.length).toBeGreaterThan(0);
    expectSame(both);
  });

  it('exports the same bytes for any sequence of span operations (property)', () => {
    // Prepare
    const key = fc.constantFrom('a', 'b', 'c', 'http.route', '', 'ünï');
    const value: fc.Arbitrary<AttributeValue | undefined | null | object> = fc.oneof(
      fc.string(),
      fc.integer(),
      fc.double({ noNaN: true }),
      fc.boolean(),
      fc.array(fc.string(), { maxLength: 3 }),
      fc.constant(undefined),
      fc.constant(null),
      fc.constant({ nested: 'not an attribute value' }),
    );
    const attributes = fc.dictionary(key, value, { maxKeys: 4 }) as fc.Arbitrary<Attributes>;
    const operation = fc.oneof(
      fc.record({ op: fc.constant('setAttribute' as const), key, value }),
      fc.record({ op: fc.constant('setAttributes' as const), attributes }),
      fc.record({ op: fc.constant('addEvent' as const), name: fc.string(), attributes, ms: fc.nat(1000) }),
      fc.record({ op: fc.constant('addLink' as const), attributes }),
      fc.record({ op: fc.constant('setStatus' as const), code: fc.constantFrom(SpanStatusCode.UNSET, SpanStatusCode.OK, SpanStatusCode.ERROR), message: fc.option(fc.string()) }),
      fc.record({ op: fc.constant('updateName' as const), name: fc.string() }),
      fc.record({ op: fc.constant('recordException' as const), message: fc.string(), code: fc.option(fc.oneof(fc.string(), fc.integer())) }),
      fc.record({ op: fc.constant('end' as const), ms: fc.nat(2000) }),
    );
    const limit = fc.oneof(fc.constant(128), fc.nat(3));
    const limits = fc.record({
      attributeCountLimit: limit,
      attributeValueLengthLimit: fc.oneof(fc.constant(Infinity), fc.integer({ min: 1, max: 5 })),
      eventCountLimit: limit,
      linkCountLimit: limit,
      attributePerEventCountLimit: limit,
      attributePerLinkCountLimit: limit,
    });
    const scenario = fc.record({ start: attributes, kind: fc.constantFrom(SpanKind.INTERNAL, SpanKind.SERVER, SpanKind.CLIENT), operations: fc.array(operation, { maxLength: 12 }), limits });

    // Act + Assess
    fc.assert(
      fc.property(scenario, ({ start, kind, operations, limits: spanLimits }) => {
        const both = runBoth((tracer, root) => {
          const span = tracer.startSpan('span', { kind, attributes: start, startTime: at(0) }, root);
          for (const step of operations) {
            if (step.op === 'setAttribute') span.setAttribute(step.key, step.value as AttributeValue);
            else if (step.op === 'setAttributes') span.setAttributes(step.attributes);
            else if (step.op === 'addEvent') span.addEvent(step.name, step.attributes, at(step.ms));
            else if (step.op === 'addLink') span.addLink({ context: trace.getSpanContext(REMOTE_PARENT)!, attributes: step.attributes });
            else if (step.op === 'setStatus') span.setStatus({ code: step.code, ...(step.message === null ? {} : { message: step.message }) });
            else if (step.op === 'updateName') span.updateName(step.name);
            else if (step.op === 'recordException') span.recordException({ message: step.message, ...(step.code === null ? {} : { code: step.code }) }, at(5));
            else span.end(at(step.ms));
          }
          if (span.isRecording()) span.end(at(3000));
        }, { limits: spanLimits });
        expect(both.leanBytes).toBe(both.sdkBytes);
        expect(both.leanSeen).toEqual(both.sdkSeen);
      }),
      { numRuns: 300, verbose: true },
    );
  });

  it('keeps nothing of an ended span but its bytes: a span is encoded before end() returns', () => {
    // Prepare
    const sent: number[] = [];
    const store = new EncodedSpanStore(new OtlpTraceEncoder(), (body, count, done) => {
      sent.push(count);
      done({ code: ExportResultCode.SUCCESS });
    });
    const queue = new ExportQueue(store, { maxQueueSize: 10, maxExportBatchSize: 10, scheduledDelayMs: 60_000, onDropped: () => undefined });
    const lean = new LeanTracerProvider({ resource: RESOURCE, sampler: new AlwaysOnSampler(), limits: DEFAULT_LIMITS, processors: [], queue, ids: new CountingIds() });
    const span = lean.getTracer('t').startSpan('ended', {}, context.active());

    // Act
    span.end();
    const queuedAfterEnd = store.size;
    void queue.shutdown();

    // Assess
    expect(queuedAfterEnd).toBe(1);
    expect(sent).toEqual([1]);
  });
});
