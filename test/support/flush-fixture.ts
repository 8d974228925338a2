/**
 * What the flush tests share: the handler fixture, the function's own copy of
 * `@opentelemetry/api`, X-Ray headers whose ids are known, and small readers over what the
 * sandbox and the OTLP receiver recorded.
 */
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { DecodedSpan, InvokeResult, LambdaInstance, LogLine, OtlpReceiver, OtlpRequest } from '../sandbox/index.ts';
import { INVOCATION_ID_ATTRIBUTE, LAYER_SCOPE } from './differential.ts';
import { HANDLER_FIXTURES, REPO_ROOT } from './paths.ts';

export { LAYER_SCOPE };

/** `test/fixtures/handlers/flush`: `index.handler` (async) and `index.callback` (Node 22 callback). */
export const FLUSH_FIXTURE = join(HANDLER_FIXTURES, 'flush');

/**
 * The repository's `@opentelemetry/api`, for handlers that create spans: it stands for the copy
 * in a function's own node_modules, which shares the layer's tracer provider through the API's
 * process-wide global (any 1.x copy does).
 */
export const OTEL_API_PATH = createRequire(join(REPO_ROOT, 'package.json')).resolve('@opentelemetry/api');

/** The layer's log prefix. */
export const LAYER_LOG_PREFIX = '[otel-lambda]';

export interface KnownTraceHeader {
  /** The Lambda-Runtime-Trace-Id value. */
  header: string;
  /** The OpenTelemetry trace id it maps to (Root without `1-` and dashes). */
  traceId: string;
  /** The caller's segment id: the invocation span's parent. */
  parentSpanId: string;
}

/** A sampled X-Ray header (Root=1-<epoch>-<24 hex>;Parent=<16 hex>;Sampled=1) with its ids. */
export function sampledTraceHeader(): KnownTraceHeader {
  const epoch = Math.floor(Date.now() / 1000).toString(16).padStart(8, '0');
  const unique = randomBytes(12).toString('hex');
  const parentSpanId = randomBytes(8).toString('hex');
  return { header: `Root=1-${epoch}-${unique};Parent=${parentSpanId};Sampled=1`, traceId: epoch + unique, parentSpanId };
}

/** Epoch ms, on the clock the sandbox and the receiver stamp everything with. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

/** The layer's own log lines in everything the function's processes wrote. */
export function layerLogLines(logs: readonly LogLine[]): LogLine[] {
  return logs.filter((line) => line.line.includes(LAYER_LOG_PREFIX));
}

/** Every invocation span the receiver got, grouped by request id (INVOCATION_ID_ATTRIBUTE). */
export function invocationSpansById(receiver: OtlpReceiver): Map<string, DecodedSpan[]> {
  const byId = new Map<string, DecodedSpan[]>();
  for (const span of receiver.spans()) {
    if (span.scope.name !== LAYER_SCOPE) continue;
    const id = span.attributes[INVOCATION_ID_ATTRIBUTE];
    if (typeof id !== 'string') continue;
    byId.set(id, [...(byId.get(id) ?? []), span]);
  }
  return byId;
}

/** How many times each invoke's invocation span arrived (0 = lost), in invoke order. */
export function invocationSpanCounts(receiver: OtlpReceiver, results: readonly InvokeResult[]): number[] {
  const byId = invocationSpansById(receiver);
  return results.map((result) => byId.get(result.requestId)?.length ?? 0);
}

/** Resolves once every invoke's invocation span arrived (or rejects after `timeoutMs`). */
export async function waitForInvocationSpans(receiver: OtlpReceiver, results: readonly InvokeResult[], timeoutMs: number): Promise<void> {
  const ids = new Set(results.map((result) => result.requestId));
  await receiver.waitForSpans((spans) => {
    const seen = new Set(spans.filter((span) => span.scope.name === LAYER_SCOPE).map((span) => span.attributes[INVOCATION_ID_ATTRIBUTE]));
    return [...ids].every((id) => seen.has(id));
  }, timeoutMs);
}

/** The OTLP requests that carried `span` (exactly one, when nothing is exported twice). */
export function requestsCarrying(receiver: OtlpReceiver, span: DecodedSpan): OtlpRequest[] {
  return receiver.requests.filter((request) => request.spans.some((candidate) => candidate.spanId === span.spanId));
}

/** Milliseconds from the runtime receiving the event to its result being posted. */
export function dispatchToResponseMs(result: InvokeResult): number {
  return (result.timings.responseAt ?? Number.POSITIVE_INFINITY) - (result.timings.dispatchedAt ?? Number.NEGATIVE_INFINITY);
}

/** Invokes `fn` `count` times in sequence with `eventOf(index)`. */
export async function invokeInSequence(fn: LambdaInstance, count: number, eventOf: (index: number) => unknown): Promise<InvokeResult[]> {
  const results: InvokeResult[] = [];
  for (let index = 0; index < count; index++) results.push(await fn.invoke(eventOf(index)));
  return results;
}

/** The body a result posted, as text (for readable jest diffs). */
export function bodyText(result: InvokeResult): string | undefined {
  return result.body?.toString('utf8');
}

/** A span in one line, for readable failures: scope, kind, name and URL if any. */
export function describeSpan(span: DecodedSpan): string {
  const url = span.attributes['url.full'] ?? span.attributes['http.url'];
  return `${span.scope.name} kind=${span.kind} ${span.name}${typeof url === 'string' ? ` ${url}` : ''}`;
}
