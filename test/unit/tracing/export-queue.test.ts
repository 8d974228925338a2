/**
 * The export queue (the batch span processor's rules) and the encoded span store: batches of at
 * most OTEL_BSP_MAX_EXPORT_BATCH_SIZE spans, with the same bytes as the SDK serializer writes for
 * the same spans in each batch, a bounded queue whose overflow is counted, and a LeanContext that
 * behaves as the API's context.
 */
import { ROOT_CONTEXT, createContextKey, type Context } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AlwaysOnSampler, type ReadableSpan, type SpanProcessor } from '@opentelemetry/sdk-trace';
import fc from 'fast-check';
import { EncodedSpanStore } from '../../../src/exporters/encoded-span-store.ts';
import { OtlpTraceEncoder } from '../../../src/exporters/otlp-trace-encoder.ts';
import { ExportQueue } from '../../../src/tracing/export-queue.ts';
import { LEAN_ROOT_CONTEXT } from '../../../src/tracing/lean-context.ts';
import { LeanTracerProvider } from '../../../src/tracing/lean-tracer-provider.ts';

const LIMITS = { attributeCountLimit: 128, attributeValueLengthLimit: Infinity, eventCountLimit: 128, linkCountLimit: 128, attributePerEventCountLimit: 128, attributePerLinkCountLimit: 128 };

interface Sent {
  body: Buffer;
  count: number;
  done: (result: ExportResult) => void;
}

/** A lean provider over an encoded store whose sends are held until the test answers them. */
function pipeline(settings: { maxQueueSize: number; maxExportBatchSize: number; scheduledDelayMs?: number }) {
  const sent: Sent[] = [];
  const ended: ReadableSpan[] = [];
  let dropped = 0;
  const store = new EncodedSpanStore(new OtlpTraceEncoder(), (body, count, done) => sent.push({ body: Buffer.from(body), count, done }));
  const queue = new ExportQueue(store, { scheduledDelayMs: 60_000, ...settings, onDropped: (count) => (dropped += count) });
  const keep: SpanProcessor = { onStart: () => undefined, onEnd: (span) => void ended.push(span), forceFlush: () => Promise.resolve(), shutdown: () => Promise.resolve() };
  const provider = new LeanTracerProvider({ resource: resourceFromAttributes({ 'service.name': 'batches' }), sampler: new AlwaysOnSampler(), limits: LIMITS, processors: [keep], queue });
  return { sent, ended, queue, provider, dropped: () => dropped };
}

const answerAll = (sent: Sent[]): void => sent.forEach((send) => send.done({ code: ExportResultCode.SUCCESS }));

describe('the export queue over encoded spans', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('sends batches of at most the batch size, each with the SDK serializer’s bytes for its spans, scopes grouped as first seen (property)', async () => {
    // Prepare
    const scopeOfEachSpan = fc.array(fc.constantFrom('http', 'aws-sdk', 'layer'), { minLength: 1, maxLength: 40 });

    // Act + Assess
    await fc.assert(
      fc.asyncProperty(scopeOfEachSpan, fc.integer({ min: 1, max: 12 }), async (scopes, batchSize) => {
        const { sent, ended, queue, provider } = pipeline({ maxQueueSize: 1000, maxExportBatchSize: batchSize });
        for (const [index, scope] of scopes.entries()) provider.getTracer(scope, '1.0.0').startSpan(`span ${index}`, { attributes: { index } }, LEAN_ROOT_CONTEXT).end();
        const flushed = queue.forceFlush();
        answerAll(sent);
        await flushed;
        const expected: string[] = [];
        for (let start = 0; start < ended.length; start += batchSize) expected.push(Buffer.from(ProtobufTraceSerializer.serializeRequest(ended.slice(start, start + batchSize))!).toString('hex'));
        expect(sent.map((send) => send.body.toString('hex'))).toEqual(expected);
        expect(sent.map((send) => send.count).reduce((sum, count) => sum + count, 0)).toBe(scopes.length);
      }),
      { numRuns: 60, verbose: true },
    );
  });

  it('counts the spans a full queue turns away and exports the rest', async () => {
    // Prepare
    const { sent, queue, provider, dropped } = pipeline({ maxQueueSize: 3, maxExportBatchSize: 100 });

    // Act
    for (let index = 0; index < 5; index++) provider.getTracer('t').startSpan(`span ${index}`, {}, LEAN_ROOT_CONTEXT).end();
    const flushed = queue.forceFlush();
    answerAll(sent);
    await flushed;

    // Assess
    expect(dropped()).toBe(2);
    expect(sent.map((send) => send.count)).toEqual([3]);
  });

  it('exports a full batch at once, without waiting for a flush', () => {
    // Prepare
    const { sent, provider } = pipeline({ maxQueueSize: 100, maxExportBatchSize: 2 });

    // Act
    for (let index = 0; index < 3; index++) provider.getTracer('t').startSpan(`span ${index}`, {}, LEAN_ROOT_CONTEXT).end();

    // Assess
    expect(sent.map((send) => send.count)).toEqual([2]);
    answerAll(sent);
  });

  it('exports what waits after the schedule delay, with one timer for the process', () => {
    // Prepare
    jest.useFakeTimers();
    const { sent, provider } = pipeline({ maxQueueSize: 100, maxExportBatchSize: 100, scheduledDelayMs: 1000 });
    jest.advanceTimersByTime(1000);
    const idleTimers = jest.getTimerCount();

    // Act
    provider.getTracer('t').startSpan('waiting', {}, LEAN_ROOT_CONTEXT).end();
    const beforeDelay = sent.length;
    jest.advanceTimersByTime(1000);

    // Assess
    expect(beforeDelay).toBe(0);
    expect(sent.map((send) => send.count)).toEqual([1]);
    answerAll(sent);
    expect(jest.getTimerCount()).toBe(idleTimers);
  });

  it('holds the event loop while an export is in flight, and only then', async () => {
    // Prepare: the queue's timers are unref'd; only an export in flight may keep the process up
    // (a retry pause against a refusing collector would otherwise end the runtime mid-invocation).
    const { sent, queue, provider } = pipeline({ maxQueueSize: 100, maxExportBatchSize: 100 });
    const refTimers = (): number => process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;
    const idle = refTimers();
    provider.getTracer('t').startSpan('in flight', {}, LEAN_ROOT_CONTEXT).end();

    // Act
    const flushed = queue.forceFlush();
    const whileExporting = refTimers();
    answerAll(sent);
    await flushed;
    const afterwards = refTimers();
    await queue.shutdown();

    // Assess
    expect([whileExporting - idle, afterwards - idle]).toEqual([1, 0]);
  });

  it('resolves a flush with nothing queued at once, and one whose export fails too', async () => {
    // Prepare
    const { sent, queue, provider } = pipeline({ maxQueueSize: 100, maxExportBatchSize: 100 });

    // Act
    await queue.forceFlush();
    provider.getTracer('t').startSpan('failing', {}, LEAN_ROOT_CONTEXT).end();
    const flushed = queue.forceFlush();
    sent[0]?.done({ code: ExportResultCode.FAILED, error: new Error('collector down') });

    // Assess
    await expect(flushed).resolves.toBeUndefined();
  });
});

describe('LeanContext', () => {
  it('gets, sets and deletes values as the API’s context does, from either root (property)', () => {
    // Prepare
    const keys = [createContextKey('a'), createContextKey('b'), createContextKey('c')];
    const step = fc.record({ key: fc.nat(2), value: fc.option(fc.integer()), remove: fc.boolean() });

    // Act + Assess
    fc.assert(
      fc.property(fc.array(step, { maxLength: 12 }), (steps) => {
        let lean: Context = LEAN_ROOT_CONTEXT;
        let api: Context = ROOT_CONTEXT;
        for (const { key, value, remove } of steps) {
          const contextKey = keys[key]!;
          lean = remove ? lean.deleteValue(contextKey) : lean.setValue(contextKey, value);
          api = remove ? api.deleteValue(contextKey) : api.setValue(contextKey, value);
          expect(keys.map((k) => lean.getValue(k))).toEqual(keys.map((k) => api.getValue(k)));
        }
      }),
      { verbose: true },
    );
  });
});
