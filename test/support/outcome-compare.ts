/**
 * Bare-versus-layer comparison of one outcome case (see outcome-cases.ts): the same event sent
 * to the outcomes fixture without and with the layer, on functions started once and shared by
 * many cases. Used by the property-based test and by the regression cases of issue 12.
 */
import { join } from 'node:path';
import { startFunction, startOtlpReceiver, type DecodedSpan, type InvokeResult, type LambdaInstance, type LogLine, type OtlpReceiver } from '../sandbox/index.ts';
import { STATUS_CODE_ERROR, STATUS_CODE_UNSET, invocationSpansOf, runtimeView } from './differential.ts';
import { startWithLayer, type RuntimeCombination } from './layer-function.ts';
import type { HandlerKind, OutcomeCase } from './outcome-cases.ts';
import { HANDLER_FIXTURES } from './paths.ts';

const FIXTURE = join(HANDLER_FIXTURES, 'outcomes');
const FUNCTION_TIMEOUT_MS = 15_000;

/** One bare and one traced function per handler kind, started once. */
export interface OutcomePairs {
  readonly runtime: RuntimeCombination;
  get(kind: HandlerKind): { readonly bare: LambdaInstance; readonly traced: LambdaInstance };
  shutdown(): Promise<void>;
}

export async function startOutcomePairs(runtime: RuntimeCombination, receiver: OtlpReceiver, kinds: readonly HandlerKind[]): Promise<OutcomePairs> {
  const pairs = new Map<HandlerKind, { bare: LambdaInstance; traced: LambdaInstance }>();
  await Promise.all(
    kinds.map(async (kind) => {
      const spec = {
        ...runtime,
        taskRoot: FIXTURE,
        handler: `index.${kind}`,
        functionName: `outcomes-${kind}-node${runtime.node}-${runtime.ric}`,
        env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url },
        // No case waits on purpose; a loaded machine must not turn a slow one into a timeout.
        timeoutMs: FUNCTION_TIMEOUT_MS,
      };
      const [bare, traced] = await Promise.all([startFunction(spec), startWithLayer(spec)]);
      // What the runtime writes at init (ric 3's "Executing '…' in function directory" line)
      // belongs to no case. The environment starts the runtime at once and its init may still
      // run when the first case is invoked (the layer's init takes longer, so its line fell into
      // that case): wait for both inits, then for their output to be read.
      await Promise.all([bare.environment()?.init, traced.environment()?.init]);
      await outputRead();
      pairs.set(kind, { bare, traced });
    }),
  );
  return {
    runtime,
    get: (kind) => {
      const pair = pairs.get(kind);
      if (pair === undefined) throw new Error(`no ${kind} function was started`);
      return pair;
    },
    shutdown: async () => {
      await Promise.all([...pairs.values()].flatMap(({ bare, traced }) => [bare.shutdown(), traced.shutdown()]));
    },
  };
}

/**
 * Starts the receiver and the pairs for a describe block (beforeAll) and stops them (afterAll);
 * the returned getters are valid inside its tests.
 */
export function useOutcomePairs(runtime: RuntimeCombination, kinds: readonly HandlerKind[]): { receiver: () => OtlpReceiver; pairs: () => OutcomePairs } {
  let receiver: OtlpReceiver | undefined;
  let pairs: OutcomePairs | undefined;
  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    pairs = await startOutcomePairs(runtime, receiver, kinds);
  });
  afterAll(async () => {
    await pairs?.shutdown();
    await receiver?.close();
  });
  return { receiver: () => receiver!, pairs: () => pairs! };
}

/** The event the fixture reads: a case and an id its first log line names. */
export type OutcomeEvent = OutcomeCase & { readonly id: number } & Readonly<Record<string, unknown>>;

/**
 * Sends the event to both functions of its kind and asserts: the same response or error, the
 * same log lines and the same survival; no line of the layer's; one invocation span that says
 * what the runtime said (unless `spanStatus` is false: an HTTP trigger's status is the answer's).
 * Returns both results and the span.
 */
export async function expectSameOutcomeAndSpan(
  pairs: OutcomePairs,
  receiver: OtlpReceiver,
  event: OutcomeEvent,
  spanStatus = true,
): Promise<{ bare: InvokeResult; traced: InvokeResult; span: DecodedSpan }> {
  const pair = pairs.get(event.kind);
  const [bare, traced] = await Promise.all([observe(pair.bare, event), observe(pair.traced, event)]);
  expectSameOutcome(bare, traced, survivalIsRaced(pairs.runtime, event.kind, bare));
  expect(traced.lines.stderr.filter((line) => line.includes('[otel-lambda]'))).toEqual([]);
  await receiver.waitForSpans(() => invocationSpansOf(receiver, traced.result.requestId).length > 0, 5_000).catch(() => undefined);
  const invocation = invocationSpansOf(receiver, traced.result.requestId);
  expect(invocation).toHaveLength(1);
  if (spanStatus) expectSpanTellsOutcome(invocation[0]!, bare.result);
  return { bare: bare.result, traced: traced.result, span: invocation[0]! };
}

interface Observed {
  readonly result: InvokeResult;
  /** Whether the runtime process is still there for the next invocation, or how it ended. */
  readonly survival: string;
  /** Every line the function wrote for this case, on each stream, normalized (see comparableLine). */
  readonly lines: { stdout: string[]; stderr: string[] };
}

const ISO_TIME = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/**
 * A log line without what legitimately differs between two runs: times, request ids and stack
 * frames (with the layer, errors the handler throws hold the wrapper's frame; frames are also
 * left out of the runtime's error comparison, see differential.ts).
 */
function comparableLine(line: string): string {
  return line
    .replace(ISO_TIME, '<time>')
    .replace(UUID, '<request-id>')
    .replace(/"\s+at [^"]*"/g, '"<frame>"')
    .replace(/("<frame>",?)+/g, '"<frames>"')
    .replace(/[\r\n]\s+at [^\r\n]*/g, '')
    .replace(/^\s+at .*$/, '<frame>');
}

function linesOf(logs: readonly LogLine[]): Observed['lines'] {
  const lines = { stdout: [] as string[], stderr: [] as string[] };
  for (const log of logs) {
    if (log.source !== 'runtime') continue;
    const line = comparableLine(log.line);
    if (line !== '<frame>') lines[log.stream].push(line);
  }
  return { stdout: lines.stdout, stderr: withoutCrashSourceLine(lines.stderr) };
}

const CRASH_LOCATION = /^(file:\/\/|node:)?\S*:\d+$/;
const CARET_LINE = /^\s*\^+\s*$/;

/**
 * The one known difference, left out of both runs: when the process crashes on an uncaught
 * exception (ric v4 installs no handler), Node prints the crashing throw's source line with a
 * caret. The layer holds the crash for the length of its flush and throws the same value again,
 * after which Node no longer knows the original line; the layer's rethrow asks Node to print no
 * source line rather than its own (see src/invocation/crash-guard.ts). Removed: the location,
 * the source line, the caret line, and the blank line Node writes after them (before them, for a
 * thrown value that is not an Error).
 */
function withoutCrashSourceLine(lines: readonly string[]): string[] {
  const kept: string[] = [];
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    if (CRASH_LOCATION.test(line) && CARET_LINE.test(lines[index + 2] ?? '')) {
      if (kept.at(-1) === '') kept.pop();
      else if (lines[index + 3] === '') index += 1;
      index += 2;
      continue;
    }
    kept.push(line);
  }
  return kept;
}

/**
 * Waits until output the runtime wrote before its last request to the local Lambda has been
 * read: the write reached the pipe first, but this process may read the request's socket and
 * the pipe in either order within one turn of its event loop.
 */
async function outputRead(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
}

/** Invokes and collects the case's lines: all the instance wrote from this invoke on. */
async function observe(fn: LambdaInstance, event: unknown): Promise<Observed> {
  const from = fn.logs.length;
  const result = await fn.invoke(event);
  await outputRead();
  return { result, lines: linesOf(fn.logs.slice(from)), survival: survivalOf(fn) };
}

function survivalOf(fn: LambdaInstance): string {
  const environment = fn.environment();
  // A crash mid-invocation ends the environment; its exit status is in the result's error.
  if (environment === undefined) return 'environment ended';
  const exit = environment.runtime?.exit;
  return exit === undefined ? 'running' : `exited with ${exit.code ?? exit.signal ?? 'nothing'}`;
}

/**
 * Where the bare runtime's own survival is a race, so that comparing it would compare two draws:
 * on ric v4 a streaming invocation that fails goes through LifecycleManager.failResponseStream,
 * which logs "Invoke Error" and calls tryCallFail (error trailers, then the end of the response
 * request) without awaiting it; the runtime then asks for its next event at once, on another
 * connection, while the end of its response may still be on its way (on a first invocation the
 * response's connection may not even be open yet). When the local Lambda reads that /next before
 * the response has ended, it records a protocol violation and the invocation never finishes, so
 * the environment ends at the timeout. That models Lambda's RAPID as published in
 * aws-lambda-runtime-interface-emulator (lambda/core/states.go): /next from a runtime still
 * running is a no-op that never signals it ready (only ResponseSent -> Ready does), and /next
 * while a response is being received is refused (403), after which ric v4 throws out of its
 * loop; the environment ends either way. ric v3 schedules its next request from the end's
 * callback, so it has no race.
 * Measured, first invocation of a fresh function, Node 24/ric v4, case 'stream-not-async' with a
 * Map (property seed -1569998813, path 80), 2 cores shared with other test runs: bare, 31 of 35
 * runs kept running and 4 ended, each of those with the local Lambda's violation "runtime called
 * /next before posting a result"; with the layer, 9 of 10 kept running, 1 ended. There, each survival must be one of the
 * two the race gives (running, or the environment ended), never an exit of the runtime process;
 * everything else (response, error, log lines, the span) is still compared exactly.
 */
function survivalIsRaced(runtime: RuntimeCombination, kind: HandlerKind, bare: Observed): boolean {
  return runtime.ric === 'v4' && kind === 'streaming' && bare.lines.stdout.some((line) => RIC_V4_STREAM_FAILURE.test(line));
}

/** ric v4's log line when a streaming invocation fails (structuredConsole.logError, text format). */
const RIC_V4_STREAM_FAILURE = /\tERROR\tInvoke Error /;
const RACED_SURVIVALS = ['running', 'environment ended'];

function expectSameOutcome(bare: Observed, traced: Observed, survivalRaced = false): void {
  const view = (observed: Observed): unknown => {
    const { status, streamed, contentType, body, bursts, error } = runtimeView(observed.result);
    // A stream's bytes, not how TCP split them into chunks.
    return { status, streamed, contentType, body, streamedBytes: bursts?.join(''), error: error && { ...error, errorMessage: comparableLine(error.errorMessage) } };
  };
  expect(view(traced)).toEqual(view(bare));
  expect(traced.lines).toEqual(bare.lines);
  if (survivalRaced) {
    expect(RACED_SURVIVALS).toContain(bare.survival);
    expect(RACED_SURVIVALS).toContain(traced.survival);
  } else {
    expect(traced.survival).toBe(bare.survival);
  }
}

/** A string as it comes back from UTF-8 (lone surrogates become U+FFFD). */
function asUtf8(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}

function expectSpanTellsOutcome(span: DecodedSpan, bare: InvokeResult): void {
  if (bare.status === 'success') {
    expect(span.status.code).toBe(STATUS_CODE_UNSET);
    expect(span.events.filter((event) => event.name === 'exception')).toEqual([]);
    return;
  }
  expect(span.status.code).toBe(STATUS_CODE_ERROR);
  // The error exactly as the runtime reported it to Lambda (posted, or in the stream's trailer);
  // OTLP strings are UTF-8, so a lone surrogate arrives as U+FFFD.
  if (bare.status === 'error' && bare.error !== undefined) {
    const { errorType, errorMessage } = bare.error;
    const reported = { 'exception.type': asUtf8(errorType), 'exception.message': errorMessage === '' ? undefined : asUtf8(errorMessage) };
    const exceptions = span.events.filter((event) => event.name === 'exception').map(({ attributes }) => ({ 'exception.type': attributes['exception.type'], 'exception.message': attributes['exception.message'] }));
    // Also an uncaught exception's own event, when what could be read of it differs from the report.
    expect(exceptions).toContainEqual(reported);
  }
}

