/**
 * What the issue-15 features add to the code paths they touch, timed in one process with the
 * layer's own modules and the SDK's tracer (a machine shared with other work moves
 * `npm run bench`'s init and latency medians by more than these costs):
 *
 *   node_modules/node24/bin/node test/bench/extension-costs.ts
 *
 * Each figure is the median, over batches, of the CPU time per operation; a cost is the median
 * difference between batches with and without the feature, run alternately.
 */
import { context, ROOT_CONTEXT, SpanKind, trace, type Span, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { startColdStartTracing } from '../../src/coldstart/start-cold-start-tracing.ts';
import { loadConfig } from '../../src/config/index.ts';
import { extensionLinks, notifyEnding, notifyStarted, type InvocationExtension, type InvocationStart } from '../../src/invocation/invocation-extension.ts';
import { correlateLogs } from '../../src/invocation/log-correlation.ts';
import { payloadCapture } from '../../src/invocation/payload-capture.ts';
import { REPO_ROOT } from '../support/paths.ts';
import { median } from './stats.ts';

const BATCHES = 30;

/**
 * CPU µs per call (process.cpuUsage: this process's CPU time, so time other processes take the
 * CPU from it is not counted; a shared machine preempts wall-clock measurements at random).
 */
function batchMicros(perBatch: number, operation: (index: number) => void): number {
  const started = process.cpuUsage();
  for (let index = 0; index < perBatch; index++) operation(index);
  const used = process.cpuUsage(started);
  return (used.user + used.system) / perBatch;
}

/** Median CPU µs per call of `operation`, over BATCHES batches of `perBatch` calls. */
function time(perBatch: number, operation: (index: number) => void): number {
  const perCall: number[] = [];
  for (let batch = 0; batch < BATCHES; batch++) perCall.push(batchMicros(perBatch, operation));
  return median(perCall);
}

/** Median CPU µs per call that `withIt` takes more than `without`, their batches alternating so drift falls on both. */
function difference(perBatch: number, withIt: (index: number) => void, without: (index: number) => void): number {
  const differences: number[] = [];
  for (let batch = 0; batch < BATCHES; batch++) differences.push(batchMicros(perBatch, withIt) - batchMicros(perBatch, without));
  return median(differences);
}

// Spans are recorded (sampled) and ended as in the layer; a processor that keeps nothing leaves
// the export out, which is measured by npm run bench.
const provider = new TracerProvider({ spanProcessors: [] });
const tracer: Tracer = provider.getTracer('bench');
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const event = (name: string): unknown => JSON.parse(readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'events', `${name}.json`), 'utf8')) as unknown;

/** One invocation as the lifecycle drives its extensions. */
function invoke(extensions: readonly InvocationExtension[], coldStart: boolean, payload: unknown = {}, result: unknown = { statusCode: 200 }): void {
  const start: InvocationStart = { event: payload, lambdaContext: {}, coldStart };
  const span: Span = tracer.startSpan('invocation', { kind: SpanKind.SERVER, links: extensionLinks(extensions, start) });
  notifyStarted(extensions, span, start);
  notifyEnding(extensions, span, { status: 'ok', result }, start);
  span.end();
}

const lines: string[] = [];
const report = (what: string, microseconds: number): void => {
  lines.push(`${what.padEnd(84)} ${microseconds.toFixed(2).padStart(10)} µs`);
};

// The init span at init: set up (the node:http the runtime client loads anyway is already loaded
// here, as it is in Lambda by the time it counts), then the layer-start and handler-load phases.
await import('node:http');
const onConfig = loadConfig({ AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand' }).config;
const finalFlush = (): Promise<void> => Promise.resolve();
report(
  'init span, at init (set up, phases recorded)',
  time(200, () => {
    const coldStart = startColdStartTracing(onConfig, { tracer, finalFlush, layerStartedAt: performance.now() });
    coldStart.handlerLoadStarted('/var/task/index.js');
    coldStart.handlerLoaded();
    coldStart.layerReady();
    // Released at once, as the first invocation does.
    coldStart.extension.started?.(trace.wrapSpanContext({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 0 }), { event: {}, lambdaContext: {}, coldStart: false });
  }),
);
const initialised = (): ReturnType<typeof startColdStartTracing> => {
  const coldStart = startColdStartTracing(onConfig, { tracer, finalFlush, layerStartedAt: performance.now() });
  coldStart.handlerLoadStarted('/var/task/index.js');
  coldStart.handlerLoaded();
  coldStart.layerReady();
  return coldStart;
};
const ready = Array.from({ length: BATCHES * 200 }, initialised);
let next = 0;
report(
  'init span, first invocation (init span and two phases made and ended)',
  difference(
    100,
    () => invoke([ready[next++]!.extension], true),
    () => invoke([], true),
  ),
);
for (const coldStart of ready.slice(next)) invoke([coldStart.extension], true);
const enabled = initialised();
invoke([enabled.extension], true);
const disabled = startColdStartTracing(loadConfig({ OTEL_LAMBDA_INIT_SPAN: 'false' }).config, { tracer, finalFlush, layerStartedAt: performance.now() });
report(
  'init span, a warm invocation: with it minus without it',
  difference(
    20_000,
    () => invoke([enabled.extension], false),
    () => invoke([disabled.extension], false),
  ),
);

for (const [name, payload, result] of [
  ['API Gateway HTTP API event, HTTP response', event('api-gateway-http'), { statusCode: 200, headers: { 'content-type': 'application/json' }, body: '{"id":"42","items":[1,2,3]}' }],
  ['SQS event (3 messages), partial batch response', event('sqs'), { batchItemFailures: [{ itemIdentifier: 'x' }] }],
] as const) {
  const capture = payloadCapture(loadConfig({ OTEL_LAMBDA_CAPTURE_PAYLOAD: 'true' }).config.payloadCapture);
  const off = payloadCapture(loadConfig({}).config.payloadCapture);
  report(
    `payload capture, a warm invocation (${name}): on minus off`,
    difference(
      2000,
      () => invoke([capture], false, payload, result),
      () => invoke([off], false, payload, result),
    ),
  );
}
const huge = { Records: Array.from({ length: 10_000 }, (_, index) => ({ messageId: `m${index}`, body: 'x'.repeat(200) })) };
const capture = payloadCapture(loadConfig({ OTEL_LAMBDA_CAPTURE_PAYLOAD: 'true' }).config.payloadCapture);
report('payload capture, a 10,000-message batch (2 MB event; the default 4 KB limit bounds the work)', time(200, () => invoke([capture], false, huge, null)));

// Log correlation: a stand-in for the runtime client's JSON logger writing telemetry frames to /dev/null.
// The CommonJS module object, as the runtime clients use it (the ES module namespace is read-only).
const fs = createRequire(import.meta.url)('node:fs') as typeof import('node:fs');
const devNull = fs.openSync('/dev/null', 'w');
const makeRuntimeConsole = (): { log: (message: unknown) => void } => {
  const header = Buffer.alloc(16);
  return {
    log: (message: unknown): void => {
      const bytes = Buffer.from(JSON.stringify({ timestamp: new Date().toISOString(), level: 'INFO', requestId: 'r', message }), 'utf8');
      header.writeUInt32BE((0xa55a0002 | 12) >>> 0, 0);
      header.writeInt32BE(bytes.length, 4);
      fs.writeSync(devNull, header);
      fs.writeSync(devNull, bytes);
    },
  };
};
const correlated = makeRuntimeConsole();
const sinks = { console: correlated as unknown as Record<string, unknown>, stdout: { write: (): boolean => true }, fs: fs as unknown as { writeSync: (...args: unknown[]) => unknown } };
const originalWriteSync = fs.writeSync;
const inSpan = trace.setSpan(ROOT_CONTEXT, tracer.startSpan('active'));
correlateLogs(sinks);
// Uncorrelated calls go around the wrapped fs.writeSync, as the runtime's writes did before.
const plainSinks = { writeSync: originalWriteSync as (...args: unknown[]) => unknown };
const plainLog = (message: unknown): void => {
  const bytes = Buffer.from(JSON.stringify({ timestamp: new Date().toISOString(), level: 'INFO', requestId: 'r', message }), 'utf8');
  const header = Buffer.alloc(16);
  header.writeInt32BE(bytes.length, 4);
  plainSinks.writeSync.call(fs, devNull, header);
  plainSinks.writeSync.call(fs, devNull, bytes);
};
report(
  'log correlation, one console record in a span: on minus off',
  difference(
    20_000,
    () => context.with(inSpan, () => correlated.log('processing item')),
    () => context.with(inSpan, () => plainLog('processing item')),
  ),
);
(fs as unknown as { writeSync: unknown }).writeSync = originalWriteSync;

console.log(`issue-15 feature costs, Node ${process.versions.node}, median of ${BATCHES} batches`);
for (const line of lines) console.log(`  ${line}`);
await provider.shutdown();
