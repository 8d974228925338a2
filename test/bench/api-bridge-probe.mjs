// One process start for api-bridge-cost.ts, which bundles this file the way the layer is built
// (its @opentelemetry/api pointed at the layer's own API global): the layer's side of the API
// set up as start-layer does it, with (`bridge`) or without (`none`) the bridge, then optionally
// a function's handler that ships its own API copy, loaded and invoked once. Everything is
// imported before the clock starts, so only the work itself is timed. Prints the phases in
// milliseconds (per call in nanoseconds) as JSON.
//   node <bundle> bridge|none [handler file]
import { context, diag, propagation, trace, DiagLogLevel } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { createRequire } from 'node:module';
import { serveApiCopies } from '../../src/api-bridge/serve-api-copies.ts';

const [mode, handlerFile] = process.argv.slice(2);
const CALLS = 200_000;
const contextManager = new AsyncLocalStorageContextManager();
const propagator = new W3CTraceContextPropagator();
const provider = new BasicTracerProvider();
const logger = { error() {}, warn() {}, info() {}, debug() {}, verbose() {} };

const t0 = performance.now();
if (mode === 'bridge') serveApiCopies();
const t1 = performance.now();
diag.setLogger(logger, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
context.setGlobalContextManager(contextManager.enable());
propagation.setGlobalPropagator(propagator);
trace.setGlobalTracerProvider(provider);
const t2 = performance.now();
const handler = handlerFile === undefined ? undefined : (await import(handlerFile)).handler;
const t3 = performance.now();
if (handler !== undefined) await trace.getTracer('layer').startActiveSpan('invocation', (span) => Promise.resolve(handler({ n: 1 })).finally(() => span.end()));
const t4 = performance.now();

/** Nanoseconds per context.active(), which reads the registry once (twice up to API 1.9). */
function perCallNs(api) {
  for (let i = 0; i < CALLS; i++) api.context.active();
  const start = performance.now();
  for (let i = 0; i < CALLS; i++) api.context.active();
  return ((performance.now() - start) * 1e6) / CALLS;
}
/** Microseconds per span the function's copy starts as active and ends (no exporter: the API's share shows). */
function perSpanUs(api) {
  const tracer = api.trace.getTracer('user-code');
  const SPANS = 20_000;
  const once = () => tracer.startActiveSpan('user.span', (span) => span.end());
  for (let i = 0; i < SPANS; i++) once();
  const start = performance.now();
  for (let i = 0; i < SPANS; i++) once();
  return ((performance.now() - start) * 1e3) / SPANS;
}
// The function's copy when it is installed: the same one its handler required.
const userApi = handlerFile?.includes('require-api') ? createRequire(handlerFile)('@opentelemetry/api') : undefined;

process.stdout.write(
  JSON.stringify({
    install: t1 - t0,
    layerRegistrations: t2 - t1,
    handlerLoad: t3 - t2,
    firstInvocation: t4 - t3,
    layerCallNs: perCallNs({ context }),
    functionCallNs: userApi === undefined ? null : perCallNs(userApi),
    functionSpanUs: userApi === undefined ? null : perSpanUs(userApi),
  }),
);
