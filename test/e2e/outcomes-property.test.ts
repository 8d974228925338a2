/**
 * Issue 12, property-based differential: any value, returned or thrown through any completion a
 * runtime offers, gives the same response or error, the same log lines and the same survival
 * (or the same crash) with the layer as without it, on every runtime; and with the layer each
 * invocation exports one span that says what the runtime said (ERROR with what could be read
 * safely, or UNSET on success).
 *
 * Many values share one runtime start: the event carries a recipe that the fixture rebuilds into
 * the value (see test/support/outcome-cases.ts). A failure prints fast-check's seed and the
 * shrunk case; rerun one with OUTCOME_SEED=<seed> (and OUTCOME_PATH=<path> to go straight to it).
 */
import fc from 'fast-check';
import { join } from 'node:path';
import { startFunction, startOtlpReceiver, type DecodedSpan, type InvokeResult, type LambdaInstance, type LogLine, type OtlpReceiver } from '../sandbox/index.ts';
import { STATUS_CODE_ERROR, STATUS_CODE_UNSET, invocationSpansOf, runtimeView } from '../support/differential.ts';
import { RUNTIME_COMBINATIONS, startWithLayer, type RuntimeCombination } from '../support/layer-function.ts';
import { handlerKindsOf, outcomeCaseArbitrary, type HandlerKind, type OutcomeCase } from '../support/outcome-cases.ts';
import { HANDLER_FIXTURES } from '../support/paths.ts';

const RUNS_PER_RUNTIME = Number(process.env['OUTCOME_RUNS'] ?? 100);
const SEED = process.env['OUTCOME_SEED'] === undefined ? undefined : Number(process.env['OUTCOME_SEED']);
const PATH = process.env['OUTCOME_PATH'];
const FIXTURE = join(HANDLER_FIXTURES, 'outcomes');

jest.setTimeout(240_000);

interface FunctionPair {
  readonly bare: LambdaInstance;
  readonly traced: LambdaInstance;
}

interface Observed {
  readonly result: InvokeResult;
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
 * the source line, the caret line and the blank line after them.
 */
function withoutCrashSourceLine(lines: readonly string[]): string[] {
  const kept: string[] = [];
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    if (CRASH_LOCATION.test(line) && CARET_LINE.test(lines[index + 2] ?? '')) {
      index += lines[index + 3] === '' ? 3 : 2;
      continue;
    }
    kept.push(line);
  }
  return kept;
}

/** Invokes and collects the case's lines: all the instance wrote from this invoke on. */
async function observe(fn: LambdaInstance, event: unknown): Promise<Observed> {
  const from = fn.logs.length;
  const result = await fn.invoke(event);
  // Lines written just before the result was posted may be read in the same turn of this
  // process's event loop as the post itself, after the invoke resolved.
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
  return { result, lines: linesOf(fn.logs.slice(from)) };
}

function expectSameOutcome(bare: Observed, traced: Observed): void {
  const view = (observed: Observed): unknown => {
    const { status, streamed, contentType, body, bursts, error } = runtimeView(observed.result);
    // A stream's bytes, not how TCP split them into chunks.
    return { status, streamed, contentType, body, streamedBytes: bursts?.join(''), error: error && { ...error, errorMessage: comparableLine(error.errorMessage) } };
  };
  expect(view(traced)).toEqual(view(bare));
  expect(traced.lines).toEqual(bare.lines);
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
    const exception = span.events.find((event) => event.name === 'exception');
    const { errorType, errorMessage } = bare.error;
    expect(exception?.attributes['exception.type']).toBe(asUtf8(errorType));
    expect(exception?.attributes['exception.message']).toBe(errorMessage === '' ? undefined : asUtf8(errorMessage));
  }
}

describe.each(RUNTIME_COMBINATIONS)('any value through any completion on Node $node with aws-lambda-ric $ric', (runtime: RuntimeCombination) => {
  let receiver: OtlpReceiver;
  const pairs = new Map<HandlerKind, FunctionPair>();

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    await Promise.all(
      handlerKindsOf(runtime).map(async (kind) => {
        const spec = { ...runtime, taskRoot: FIXTURE, handler: `index.${kind}`, functionName: `outcomes-${kind}-node${runtime.node}-${runtime.ric}`, env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url } };
        const [bare, traced] = await Promise.all([startFunction(spec), startWithLayer(spec)]);
        pairs.set(kind, { bare, traced });
      }),
    );
  });

  afterAll(async () => {
    await Promise.all([...pairs.values()].flatMap(({ bare, traced }) => [bare.shutdown(), traced.shutdown()]));
    await receiver?.close();
  });

  it(`answers, logs and survives identically for ${RUNS_PER_RUNTIME} generated cases, each traced by what the runtime reported`, async () => {
    let id = 0;
    await fc.assert(
      fc.asyncProperty(outcomeCaseArbitrary(runtime), async (outcomeCase: OutcomeCase) => {
        // Prepare
        const pair = pairs.get(outcomeCase.kind)!;
        const event = { id: (id += 1), ...outcomeCase };

        // Act
        const [bare, traced] = await Promise.all([observe(pair.bare, event), observe(pair.traced, event)]);

        // Assess
        expectSameOutcome(bare, traced);
        expect(traced.lines.stderr.filter((line) => line.includes('[otel-lambda]'))).toEqual([]);
        await receiver.waitForSpans(() => invocationSpansOf(receiver, traced.result.requestId).length > 0, 5_000).catch(() => undefined);
        const invocation = invocationSpansOf(receiver, traced.result.requestId);
        expect(invocation).toHaveLength(1);
        expectSpanTellsOutcome(invocation[0]!, bare.result);
      }),
      { numRuns: RUNS_PER_RUNTIME, ...(SEED !== undefined ? { seed: SEED } : {}), ...(PATH !== undefined ? { path: PATH } : {}), endOnFailure: false },
    );
  });
});
