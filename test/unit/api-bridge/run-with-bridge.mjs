// The layer's side of the API in one plain Node process, as start-layer sets it up: the bridge
// first, then the layer's own API copy (the repository's) registers a diag logger, a context
// manager, a propagator and a tracer provider. Then each handler module (argv) is loaded and
// invoked once inside an "invocation" span. Prints, as JSON, each handler's answer with the
// spans that ended during its invocation; the layer's log lines go to stderr as in Lambda.
import { createRequire } from 'node:module';
import { serveApiCopies } from '../../../src/api-bridge/serve-api-copies.ts';

serveApiCopies();
const require = createRequire(import.meta.url);
const { context, diag, propagation, trace, DiagLogLevel } = require('@opentelemetry/api');
const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');
const { W3CTraceContextPropagator } = require('@opentelemetry/core');
const { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base');

const exporter = new InMemorySpanExporter();
const layer = [
  diag.setLogger({ error: console.error, warn: console.error, info() {}, debug() {}, verbose() {} }, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true }),
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable()),
  propagation.setGlobalPropagator(new W3CTraceContextPropagator()),
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] })),
];
const tracer = trace.getTracer('layer');
const idsOf = (span) => ({ name: span.name, traceId: span.spanContext().traceId, spanId: span.spanContext().spanId, parentSpanId: span.parentSpanContext?.spanId ?? '' });

const runs = [];
for (const file of process.argv.slice(2)) {
  const { handler } = await import(file);
  exporter.reset();
  let invocation;
  const report = await tracer.startActiveSpan('invocation', async (span) => {
    invocation = span;
    try {
      return await handler({ n: 1 });
    } finally {
      span.end();
    }
  });
  runs.push({ file, report, invocation: idsOf(invocation), spans: exporter.getFinishedSpans().map(idsOf) });
}
process.stdout.write(JSON.stringify({ layerRegistered: layer, runs }));
