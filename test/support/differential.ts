/**
 * Differential checks: the same function run once without and once with the layer must look
 * the same to the Runtime API (response bytes, streamed chunks, errors, init errors), and the
 * run with the layer must export one invocation span per invoke, before the result is posted.
 * Expectations about outcomes are taken from the run without the layer (what the runtime
 * client itself reported), never from the layer.
 */
import { startFunction, startOtlpReceiver, type DecodedSpan, type FunctionError, type InvokeResult, type OtlpReceiver, type ResponseChunk } from '../sandbox/index.ts';
import { startWithLayer, withFunction, type RuntimeCombination } from './layer-function.ts';
import { ATTR_FAAS_INVOCATION_ID } from '../../src/semconv.ts';
import { LAYER_SCOPE_NAME } from '../../src/version.ts';

/** The instrumentation scope of the layer's invocation span. */
export const LAYER_SCOPE = LAYER_SCOPE_NAME;
/**
 * The attribute that ties an invocation span to its request id: the one constant every test keys
 * on (the conventions renamed it from `faas.invocation_id`; see src/semconv.ts).
 */
export const INVOCATION_ID_ATTRIBUTE = ATTR_FAAS_INVOCATION_ID;

/** Whether `span` is the layer's invocation span of `requestId`. */
export function isInvocationSpanOf(span: DecodedSpan, requestId: string): boolean {
  return span.scope.name === LAYER_SCOPE && span.attributes[INVOCATION_ID_ATTRIBUTE] === requestId;
}
/**
 * `Status.StatusCode` in opentelemetry-proto trace/v1/trace.proto. A successful invocation's
 * span is UNSET: instrumentation leaves OK to the application
 * (https://opentelemetry.io/docs/specs/otel/trace/api/#set-status).
 */
export const STATUS_CODE_UNSET = 0;
export const STATUS_CODE_ERROR = 2;
/**
 * Chunks that reach the Runtime API closer together than this came from one burst of writes:
 * TCP may coalesce or split the writes of a burst differently from run to run, while writes
 * separated by a handler's pause (the fixtures pause ≥ 100 ms) always arrive apart.
 */
export const CHUNK_BURST_GAP_MS = 40;
/**
 * How far a streamed invocation's span end may precede the last chunk's arrival. The sandbox
 * stamps a chunk when the test process reads it (late if that process is busy) and the runtime
 * stamps the span with its own clock; both are `performance.timeOrigin + performance.now()` of
 * different processes. Kept well under the fixtures' 100 ms pauses between writes, so a span
 * that ends when the handler returns, before the stream ends, still fails.
 */
export const STREAM_END_TOLERANCE_MS = 50;

/**
 * The receiver from startDifferentialReceiver answers each export this late. An export counts as
 * done when the collector has answered; a result posted sooner after the export arrived came from
 * a flush that was not awaited (on localhost the request alone usually beats the runtime's POST).
 */
export const EXPORT_ACK_DELAY_MS = 25;
const ackDelays = new WeakMap<OtlpReceiver, number>();

/** An OTLP receiver that acknowledges exports after EXPORT_ACK_DELAY_MS. */
export async function startDifferentialReceiver(): Promise<OtlpReceiver> {
  const receiver = await startOtlpReceiver({
    responder: (request) => (request.decodeError !== undefined ? { status: 400, body: request.decodeError } : { delayMs: EXPORT_ACK_DELAY_MS }),
  });
  ackDelays.set(receiver, EXPORT_ACK_DELAY_MS);
  return receiver;
}

/** How late `receiver` acknowledges exports (0 unless it came from startDifferentialReceiver). */
export function ackDelayOf(receiver: OtlpReceiver): number {
  return ackDelays.get(receiver) ?? 0;
}

export interface Scenario {
  /** The function code directory. */
  readonly taskRoot: string;
  /** `_HANDLER`. */
  readonly handler: string;
  /** Invoked in order on one function per mode: the first invoke is the cold start. */
  readonly events: readonly unknown[];
  readonly env?: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
}

export interface DifferentialRun {
  /** Results without the layer, one per event. */
  readonly bare: InvokeResult[];
  /** Results with the layer, one per event. */
  readonly traced: InvokeResult[];
}

/**
 * Runs `scenario` once without and once with the layer (the two functions run side by side)
 * with the same environment, OTLP endpoint included, so that the layer is the only difference.
 */
export async function runDifferential(
  runtime: RuntimeCombination,
  scenario: Scenario,
  receiver: OtlpReceiver,
  functionName: string,
): Promise<DifferentialRun> {
  const spec = {
    ...runtime,
    taskRoot: scenario.taskRoot,
    handler: scenario.handler,
    functionName,
    env: { ...scenario.env, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url },
    ...(scenario.timeoutMs !== undefined ? { timeoutMs: scenario.timeoutMs } : {}),
  };
  const invokeAll = async (fn: { invoke(event: unknown): Promise<InvokeResult> }): Promise<InvokeResult[]> => {
    const results: InvokeResult[] = [];
    for (const event of scenario.events) results.push(await fn.invoke(event));
    return results;
  };
  const [bare, traced] = await Promise.all([
    withFunction(startFunction(spec), invokeAll),
    withFunction(startWithLayer(spec), invokeAll),
  ]);
  return { bare, traced };
}

/** What the Runtime API received for one invoke, in a form whose jest diff is readable. */
export interface RuntimeView {
  status: InvokeResult['status'];
  streamed: boolean;
  contentType: string | undefined;
  /**
   * The exact bytes, one char per byte (latin1), so equal strings mean equal bytes. Left out for
   * a buffered error, whose body is `{ errorType, errorMessage, trace }`: the trace legitimately
   * holds the layer's wrapper frames (the error itself is compared through `error`).
   */
  body: string | undefined;
  /** Streamed responses: the chunks grouped into bursts (see CHUNK_BURST_GAP_MS), in order. */
  bursts: string[] | undefined;
  error: { errorType: string; errorMessage: string } | undefined;
  /** Init errors: how the runtime process then ended on its own (exit code or signal). */
  exit: InvokeResult['runtimeExit'];
}

/** Stack traces are left out: with the layer they legitimately hold the layer's frames. */
export function runtimeView(result: InvokeResult): RuntimeView {
  return {
    status: result.status,
    streamed: result.streamed,
    contentType: result.contentType,
    body: comparableBody(result)?.toString('latin1'),
    bursts: result.chunks === undefined ? undefined : burstsOf(result.chunks).map((burst) => burst.data.toString('latin1')),
    error: result.error === undefined ? undefined : { errorType: result.error.errorType, errorMessage: result.error.errorMessage },
    exit: result.runtimeExit,
  };
}

function comparableBody(result: InvokeResult): Buffer | undefined {
  return result.streamed || result.status === 'success' ? result.body : undefined;
}

export interface ChunkBurst {
  data: Buffer;
  /** Arrival of the burst's first chunk. */
  firstAt: number;
  /** Arrival of the burst's last chunk. */
  lastAt: number;
}

export function burstsOf(chunks: readonly ResponseChunk[], gapMs: number = CHUNK_BURST_GAP_MS): ChunkBurst[] {
  const bursts: Array<{ parts: Buffer[]; firstAt: number; lastAt: number }> = [];
  for (const chunk of chunks) {
    const current = bursts.at(-1);
    if (current !== undefined && chunk.at - current.lastAt < gapMs) {
      current.parts.push(chunk.data);
      current.lastAt = chunk.at;
    } else {
      bursts.push({ parts: [chunk.data], firstAt: chunk.at, lastAt: chunk.at });
    }
  }
  return bursts.map(({ parts, firstAt, lastAt }) => ({ data: Buffer.concat(parts), firstAt, lastAt }));
}

/** Every invoke got the same answer from the runtime with the layer as without it. */
export function expectSameRuntimeResults(run: DifferentialRun): void {
  expect(run.traced).toHaveLength(run.bare.length);
  expect(run.traced.map(runtimeView)).toEqual(run.bare.map(runtimeView));
  run.traced.forEach((traced, index) => {
    const bare = run.bare[index]!;
    const bareBody = comparableBody(bare);
    if (bareBody !== undefined) expect(comparableBody(traced)?.equals(bareBody)).toBe(true);
    if (bare.streamed) expect(traced.body?.equals(Buffer.concat(bare.chunks?.map((chunk) => chunk.data) ?? []))).toBe(true);
  });
}

/** The layer's invocation spans for one request id. */
export function invocationSpansOf(receiver: OtlpReceiver, requestId: string): DecodedSpan[] {
  return receiver.spans().filter((span) => isInvocationSpanOf(span, requestId));
}

/** Asserts exactly one invocation span for the invoke and returns it. */
export function expectOneInvocationSpan(receiver: OtlpReceiver, result: InvokeResult): DecodedSpan {
  const spans = invocationSpansOf(receiver, result.requestId);
  expect(spans).toHaveLength(1);
  return spans[0]!;
}

export interface ExpectedException {
  /** A thrown Error (with a stack) or any other thrown value (no stack to report). */
  thrown: 'Error' | 'non-Error';
  type?: string;
  message?: string;
}

/**
 * What the span must say about an error the runtime client reported. The clients report an
 * Error as `{ errorType: name, errorMessage: message, trace: stack lines }` and anything else
 * with an empty trace (aws-lambda-ric formatError / toRapidResponse); OpenTelemetry's exception
 * event carries the same name and message for an Error, and its stack.
 */
export function exceptionExpectedFrom(error: FunctionError): ExpectedException {
  if ((error.stackTrace?.length ?? 0) > 0) return { thrown: 'Error', type: error.errorType, message: error.errorMessage };
  return { thrown: 'non-Error' };
}

/** The span's status and exception event describe the invocation's outcome. */
export function expectSpanDescribesOutcome(span: DecodedSpan, bare: InvokeResult, exception?: ExpectedException): void {
  if (bare.status === 'success') {
    expect(span.status.code).toBe(STATUS_CODE_UNSET);
    expect(span.events.filter((event) => event.name === 'exception')).toEqual([]);
    return;
  }
  expect(bare.status).toBe('error');
  const expected = exception ?? exceptionExpectedFrom(bare.error!);
  expect(span.status.code).toBe(STATUS_CODE_ERROR);
  const events = span.events.filter((event) => event.name === 'exception');
  expect(events).toHaveLength(1);
  // Whole-object comparisons, so that a failure shows every attribute the event has.
  const attributes = events[0]!.attributes;
  expect(attributes).toEqual(
    expect.objectContaining({
      'exception.type': expected.type ?? expect.stringMatching(/.+/),
      'exception.message': expected.message ?? expect.stringMatching(/.+/),
    }),
  );
  if (expected.thrown === 'Error') {
    expect(attributes).toEqual(expect.objectContaining({ 'exception.stacktrace': expect.stringContaining(expected.message ?? '') }));
  } else {
    expect(attributes).not.toHaveProperty(['exception.stacktrace']);
  }
}

/** The OTLP request that carried `span`. */
export function exportOf(receiver: OtlpReceiver, span: DecodedSpan): { receivedAt: number } | undefined {
  return receiver.requests.find((request) => request.spans.some((candidate) => candidate.spanId === span.spanId));
}

/**
 * Sync flush: the span reached the collector, and was acknowledged, before the runtime posted
 * the invocation's result.
 */
export function expectExportedBeforeResponse(receiver: OtlpReceiver, span: DecodedSpan, traced: InvokeResult): void {
  const request = exportOf(receiver, span);
  expect(request).toBeDefined();
  expect(traced.timings.responseAt).toBeDefined();
  expect(request!.receivedAt).toBeLessThan(traced.timings.responseAt!);
  expect(request!.receivedAt + ackDelayOf(receiver)).toBeLessThanOrEqual(traced.timings.responseAt!);
}

/**
 * Streaming: the result is posted as the stream ends, so the span can only be exported after
 * that; it must cover the whole stream and be exported before the invocation finishes (the
 * runtime back at /next, where Lambda may freeze the sandbox).
 */
export function expectStreamCoveredAndExported(receiver: OtlpReceiver, span: DecodedSpan, traced: InvokeResult): void {
  const lastChunkAt = Math.max(...(traced.chunks ?? []).map((chunk) => chunk.at));
  const spanEndMs = Number(span.endTimeUnixNano) / 1e6;
  expect(spanEndMs).toBeGreaterThanOrEqual(lastChunkAt - STREAM_END_TOLERANCE_MS);
  const request = exportOf(receiver, span);
  expect(request).toBeDefined();
  expect(traced.timings.finishedAt).toBeDefined();
  expect(request!.receivedAt).toBeLessThan(traced.timings.finishedAt!);
  expect(request!.receivedAt + ackDelayOf(receiver)).toBeLessThanOrEqual(traced.timings.finishedAt!);
}

/**
 * The whole differential check for a run: same runtime results; then, per invoke with the
 * layer, no span if init failed, else exactly one invocation span that describes the outcome
 * and was exported in time.
 */
export function expectFaithfulAndTraced(run: DifferentialRun, receiver: OtlpReceiver, exception?: ExpectedException): void {
  expectSameRuntimeResults(run);
  run.traced.forEach((traced, index) => {
    const bare = run.bare[index]!;
    if (traced.status === 'init-error') {
      expect(invocationSpansOf(receiver, traced.requestId)).toEqual([]);
      return;
    }
    const span = expectOneInvocationSpan(receiver, traced);
    expectSpanDescribesOutcome(span, bare, exception);
    if (traced.streamed) expectStreamCoveredAndExported(receiver, span, traced);
    else expectExportedBeforeResponse(receiver, span, traced);
  });
}

/** Milliseconds from dispatch to the posted result. */
export function responseDelayMs(result: InvokeResult): number {
  return (result.timings.responseAt ?? Number.POSITIVE_INFINITY) - (result.timings.dispatchedAt ?? 0);
}
