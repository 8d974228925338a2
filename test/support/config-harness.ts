/**
 * What the configuration end-to-end tests (test/e2e/config-*.test.ts) share: run a fixture once
 * with the built layer and some OTEL_* variables, keep every output line of the function, and
 * read the layer's own log lines, the spans of one invoke and the X-Ray ids out of them.
 */
import { join } from 'node:path';
import {
  startFunction,
  startOtlpReceiver,
  type DecodedSpan,
  type FunctionSpec,
  type InvokeOptions,
  type InvokeResult,
  type LambdaInstance,
  type LogLine,
  type OtlpReceiver,
} from '../sandbox/index.ts';
import { isInvocationSpanOf } from './differential.ts';
import { startWithLayer, withFunction, type RuntimeCombination } from './layer-function.ts';
import { HANDLER_FIXTURES } from './paths.ts';

/** What nodejs24.x runs; most configuration tests run here only. */
export const NODE_24: RuntimeCombination = { node: 24, ric: 'v4' };
/** Closest to the classic nodejs22.x: its runtime client passes the X-Ray header and loads handlers differently. */
export const NODE_22: RuntimeCombination = { node: 22, ric: 'v3' };

/** `Span.SpanKind` in opentelemetry-proto trace/v1/trace.proto. */
export const SPAN_KIND_SERVER = 2;
export const SPAN_KIND_CLIENT = 3;

/** The layer's log prefix (src/log.ts); every line the layer writes starts with it. */
export const LAYER_LOG_PREFIX = '[otel-lambda]';

/** The plain CommonJS fixture: returns `{ shape, echo, downstream }`, calling `event.downstream` if given. */
export const CJS_FIXTURE = join(HANDLER_FIXTURES, 'cjs');
/** AWS SDK v3 calls to `event.endpoint` (S3 ListBuckets, DynamoDB GetItem). */
export const AWS_SDK_FIXTURE = join(HANDLER_FIXTURES, 'aws-sdk');
/** AWS SDK calls to `event.endpoint` and a plain HTTP GET of `event.downstream` in one invocation. */
export const AWS_AND_HTTP_FIXTURE = join(HANDLER_FIXTURES, 'aws-sdk-and-http');
/** Hooks module `otel-hooks.js` that adds attributes, counts spans and recognises a custom event. */
export const HOOKS_FIXTURE = join(HANDLER_FIXTURES, 'hooks');
/** Hooks module `otel-hooks.js` every member of which throws. */
export const THROWING_HOOKS_FIXTURE = join(HANDLER_FIXTURES, 'hooks-throwing');

export interface Invoke {
  readonly event: unknown;
  readonly options?: InvokeOptions;
}

export interface RunSpec {
  readonly taskRoot: string;
  /** Default `index.handler`. */
  readonly handler?: string;
  readonly functionName: string;
  readonly env?: Readonly<Record<string, string>>;
  /** Invoked in order on one function; the first is the cold start. */
  readonly invokes: readonly Invoke[];
}

export interface Run {
  readonly results: InvokeResult[];
  /** Every line the function's processes wrote, init and shutdown included. */
  readonly logs: LogLine[];
}

async function run(start: (spec: FunctionSpec) => Promise<LambdaInstance>, runtime: RuntimeCombination, spec: RunSpec): Promise<Run> {
  const fnSpec: FunctionSpec = {
    ...runtime,
    taskRoot: spec.taskRoot,
    handler: spec.handler ?? 'index.handler',
    functionName: spec.functionName,
    env: { ...spec.env },
  };
  let logs: LogLine[] = [];
  const results = await withFunction(start(fnSpec), async (fn) => {
    logs = fn.logs;
    const out: InvokeResult[] = [];
    for (const invoke of spec.invokes) out.push(await fn.invoke(invoke.event, invoke.options));
    return out;
  });
  return { results, logs };
}

/** Runs `spec` with the built layer (AWS_LAMBDA_EXEC_WRAPPER set) and shuts the function down. */
export function runWithLayer(runtime: RuntimeCombination, spec: RunSpec): Promise<Run> {
  return run(startWithLayer, runtime, spec);
}

/** Runs `spec` without the layer: what the function answers on its own. */
export function runWithoutLayer(runtime: RuntimeCombination, spec: RunSpec): Promise<Run> {
  return run(startFunction, runtime, spec);
}

/** Starts a receiver for one test, so that "nothing was sent" can be asserted, and always closes it. */
export async function withReceiver<T>(body: (receiver: OtlpReceiver) => Promise<T>): Promise<T> {
  const receiver = await startOtlpReceiver();
  try {
    return await body(receiver);
  } finally {
    await receiver.close();
  }
}

/** The lines the layer itself wrote (prefixed `[otel-lambda]`). */
export function layerLines(logs: readonly LogLine[]): string[] {
  return logs.map((entry) => entry.line).filter((line) => line.includes(LAYER_LOG_PREFIX));
}

/** The layer's warnings (`[otel-lambda] WARN …`). */
export function layerWarnings(logs: readonly LogLine[]): string[] {
  return layerLines(logs).filter((line) => line.includes(`${LAYER_LOG_PREFIX} WARN`));
}

/** Output lines of the function's own process (not extensions) on one stream. */
export function outputLines(logs: readonly LogLine[], stream: 'stdout' | 'stderr'): string[] {
  return logs.filter((entry) => entry.source === 'runtime' && entry.stream === stream).map((entry) => entry.line);
}

/** The layer's invocation span of one invoke, if exported. */
export function invocationSpansOf(spans: readonly DecodedSpan[], requestId: string): DecodedSpan[] {
  return spans.filter((span) => isInvocationSpanOf(span, requestId));
}

/** Every span whose trace is the invocation span's. */
export function traceOf(spans: readonly DecodedSpan[], invocation: DecodedSpan): DecodedSpan[] {
  return spans.filter((span) => span.traceId === invocation.traceId);
}

/** The direct CLIENT children of `parent`. */
export function clientChildrenOf(spans: readonly DecodedSpan[], parent: DecodedSpan): DecodedSpan[] {
  return spans.filter((span) => span.parentSpanId === parent.spanId && span.kind === SPAN_KIND_CLIENT);
}

/** Whether a client span is an AWS SDK call (rpc.system aws-api, as instrumentation-aws-sdk sets it). */
export function isAwsSdkSpan(span: DecodedSpan): boolean {
  return span.attributes['rpc.system'] === 'aws-api';
}

/** Whether a client span is a plain outgoing HTTP request (instrumentation-http). */
export function isHttpClientSpan(span: DecodedSpan): boolean {
  return span.kind === SPAN_KIND_CLIENT && span.scope.name === '@opentelemetry/instrumentation-http';
}

/** A client span reduced to what stays the same whichever way its library was loaded. */
export interface ClientSpanSummary {
  readonly name: string;
  /** The database system (`db.system.name`, or the older `db.system`), the generative AI provider (`gen_ai.provider.name`, or the older `gen_ai.system`), or `http` for an HTTP client span. */
  readonly system: string;
  /** The server's port (`server.port`, or the older `net.peer.port`). */
  readonly serverPort: number | undefined;
  /** What was asked: the query text (`db.query.text`, or the older `db.statement`), or the URL's path. */
  readonly request: string | undefined;
}

export function summarizeClientSpan(span: DecodedSpan): ClientSpanSummary {
  const attributes = span.attributes;
  const database = attributes['db.system.name'] ?? attributes['db.system'] ?? attributes['gen_ai.provider.name'] ?? attributes['gen_ai.system'];
  const method = attributes['http.request.method'] ?? attributes['http.method'];
  const port = attributes['server.port'] ?? attributes['net.peer.port'];
  const request = attributes['db.query.text'] ?? attributes['db.statement'] ?? attributes['url.path'] ?? attributes['http.target'];
  return {
    name: span.name,
    system: typeof database === 'string' ? database : method !== undefined ? 'http' : 'unknown',
    serverPort: port === undefined ? undefined : Number(port),
    request: request === undefined ? undefined : String(request),
  };
}

export interface KnownXrayHeader {
  readonly header: string;
  /** The OpenTelemetry trace id (32 hex) of the header's Root. */
  readonly traceId: string;
  /** The header's Parent (16 hex). */
  readonly parentId: string;
}

/** A fresh X-Ray invocation header, `Sampled=1` or `Sampled=0`, with its ids in OpenTelemetry form. */
export function xrayHeader(sampled: boolean): KnownXrayHeader {
  const hex = (length: number): string => Array.from({ length }, () => Math.floor(Math.random() * 16).toString(16)).join('');
  const epoch = Math.floor(Date.now() / 1000).toString(16).padStart(8, '0');
  const unique = hex(24);
  const parentId = hex(16);
  return { header: `Root=1-${epoch}-${unique};Parent=${parentId};Sampled=${sampled ? 1 : 0}`, traceId: epoch + unique, parentId };
}

/** A W3C `traceparent` with fresh ids. */
export function traceparent(sampled: boolean): { header: string; traceId: string; spanId: string } {
  const hex = (length: number): string => Array.from({ length }, () => Math.floor(Math.random() * 16).toString(16)).join('');
  const traceId = hex(32);
  const spanId = hex(16);
  return { header: `00-${traceId}-${spanId}-${sampled ? '01' : '00'}`, traceId, spanId };
}

/**
 * Each invoke's status, with the error for anything but success, so that a failed expectation
 * shows why (e.g. `init-error: Runtime.ImportModuleError …`).
 */
export function statusesOf(run: Run): string[] {
  return run.results.map((result) => {
    if (result.status === 'success') return 'success';
    // The runtime's last words (e.g. a missing layer file while dist/ is being rebuilt).
    const stderr = result.logs.filter((entry) => entry.stream === 'stderr').map((entry) => entry.line.trim()).filter((line) => line !== '');
    return [`${result.status}: ${result.error?.errorType ?? ''} ${result.error?.errorMessage ?? ''}`.trim(), ...stderr.slice(-3)].join(' | ');
  });
}

/** The response body as parsed JSON. */
export function bodyJson(result: InvokeResult): unknown {
  return result.body === undefined ? undefined : JSON.parse(result.body.toString('utf8'));
}
