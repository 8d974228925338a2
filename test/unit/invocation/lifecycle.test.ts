import { SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { FlushStrategy } from '../../../src/flush/flush-strategy.ts';
import { createInvocationLifecycle, type InvocationLifecycle } from '../../../src/invocation/lifecycle.ts';
import { OpenSpanTracker } from '../../../src/invocation/open-spans.ts';
import type { UserHooks } from '../../../src/hooks/user-hooks.ts';
import type { InvocationExtension, Outcome } from '../../../src/invocation/invocation-extension.ts';

const API_GATEWAY_EVENT = { version: '2.0', routeKey: 'GET /items', rawPath: '/items', requestContext: { http: { method: 'GET' }, routeKey: 'GET /items' } };

function setUp(options: { flush?: FlushStrategy['afterInvocation']; hooks?: UserHooks; resultsHeard?: boolean; extensions?: InvocationExtension[] } = {}) {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  const flushes: string[] = [];
  const flush: FlushStrategy = {
    afterInvocation: options.flush ?? (async (context) => void flushes.push(String(context.awsRequestId))),
    shutdown: () => Promise.resolve(),
  };
  const lifecycle = createInvocationLifecycle({
    tracer: provider.getTracer('test'),
    flush,
    openSpans: new OpenSpanTracker(),
    functionName: 'fn',
    parentSources: [],
    respectUnsampledXray: false,
    timeoutMarginMs: 0,
    finalFlush: () => Promise.resolve(),
    hooks: options.hooks ?? {},
    recordInvocation: undefined,
    resultsHeard: () => options.resultsHeard ?? true,
    semconvCompat: 'none',
    extensions: options.extensions ?? [],
  });
  return { lifecycle, exporter, flushes };
}

const context = (awsRequestId: string): Record<string, unknown> => ({ awsRequestId, functionName: 'fn' });

/** `error` with an own getter for `key` that throws if anyone reads it. */
function withThrowingGetter<T extends Error>(error: T, key: string): T {
  return Object.defineProperty(error, key, {
    get() {
      throw new Error('never read');
    },
  });
}

function begin(lifecycle: InvocationLifecycle, requestId: string, event: unknown = {}): void {
  expect(lifecycle.begin(event, context(requestId))).toBeDefined();
}

describe('the invocation lifecycle', () => {
  it('leaves a successful invocation’s status UNSET, as the semantic conventions ask', async () => {
    const { lifecycle, exporter, flushes } = setUp();
    begin(lifecycle, 'r-1');

    await lifecycle.resultPosted('r-1', { kind: 'response', body: '{"ok":true}' });

    const [span] = exporter.getFinishedSpans();
    expect(span?.status).toEqual({ code: SpanStatusCode.UNSET });
    expect(span?.events).toEqual([]);
    expect(flushes).toEqual(['r-1']);
  });

  it('ends an invocation the runtime reported as failed as ERROR, with the runtime’s own error and nothing of the value', async () => {
    // Prepare
    const { lifecycle, exporter } = setUp();
    begin(lifecycle, 'r-1');
    const body = JSON.stringify({ errorType: 'Error', errorMessage: 'Unable to stringify response body', trace: ['Error: Unable to stringify response body', '    at _trySerializeResponse'] });

    // Act
    await lifecycle.resultPosted('r-1', { kind: 'error', body });

    // Assess
    const [span] = exporter.getFinishedSpans();
    expect(span?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'Error: Unable to stringify response body' });
    expect(span?.events.map((event) => [event.name, event.attributes])).toEqual([
      ['exception', { 'exception.type': 'Error', 'exception.message': 'Unable to stringify response body', 'exception.stacktrace': 'Error: Unable to stringify response body\n    at _trySerializeResponse' }],
    ]);
  });

  it('tells the extensions the outcome the runtime posted: the response as the caller gets it, or the reported error', async () => {
    // Prepare
    const heard: Outcome[] = [];
    const { lifecycle } = setUp({ extensions: [{ name: 'listener', ending: (_span, outcome) => void heard.push(outcome) }] });
    begin(lifecycle, 'r-ok');
    begin(lifecycle, 'r-failed');

    // Act
    await lifecycle.resultPosted('r-ok', { kind: 'response', body: '{"items":[1,2],"at":"2026-11-28T00:00:00.000Z"}' });
    await lifecycle.resultPosted('r-failed', { kind: 'error', body: JSON.stringify({ errorType: 'TypeError', errorMessage: 'bad input', trace: ['TypeError: bad input'] }) });

    // Assess
    const [ok, failed] = heard;
    expect(ok).toEqual({ status: 'ok', result: { items: [1, 2], at: '2026-11-28T00:00:00.000Z' } });
    expect(failed?.status).toBe('error');
    const error = failed?.status === 'error' ? (failed.error as Error) : undefined;
    expect([error?.name, error?.message, error?.stack]).toEqual(['TypeError', 'bad input', 'TypeError: bad input']);
  });

  it('marks an HTTP 5xx answer ERROR and a 4xx one UNSET', async () => {
    const { lifecycle, exporter } = setUp();
    begin(lifecycle, 'r-5', API_GATEWAY_EVENT);
    begin(lifecycle, 'r-4', API_GATEWAY_EVENT);

    await lifecycle.resultPosted('r-5', { kind: 'response', body: '{"statusCode":503}' });
    await lifecycle.resultPosted('r-4', { kind: 'response', body: '{"statusCode":404}' });

    const [five, four] = exporter.getFinishedSpans();
    expect([five?.status.code, five?.attributes['http.response.status_code']]).toEqual([SpanStatusCode.ERROR, 503]);
    expect([four?.status.code, four?.attributes['http.response.status_code']]).toEqual([SpanStatusCode.UNSET, 404]);
  });

  it('records a process-level exception once: the runtime’s report of the same crash adds no second event', async () => {
    // Prepare
    const { lifecycle, exporter } = setUp();
    begin(lifecycle, 'r-1');
    const crash = withThrowingGetter(new Error('thrown from a timer'), 'code');

    // Act
    lifecycle.recordException(crash);
    await lifecycle.resultPosted('r-1', { kind: 'error', body: JSON.stringify({ errorType: 'Error', errorMessage: 'thrown from a timer', trace: [] }) });

    // Assess
    const [span] = exporter.getFinishedSpans();
    expect(span?.events.map((event) => event.attributes?.['exception.message'])).toEqual(['thrown from a timer']);
    expect(span?.status.code).toBe(SpanStatusCode.ERROR);
  });

  it('adds the runtime’s report when it says something else than the uncaught exception could tell', async () => {
    const { lifecycle, exporter } = setUp();
    begin(lifecycle, 'r-1');
    const crash = withThrowingGetter(new TypeError('hidden'), 'message');

    lifecycle.recordException(crash);
    await lifecycle.resultPosted('r-1', { kind: 'error', body: JSON.stringify({ errorType: 'handled', errorMessage: 'callback called with Error argument' }) });

    const [span] = exporter.getFinishedSpans();
    expect(span?.events.map((event) => [event.attributes?.['exception.type'], event.attributes?.['exception.message']])).toEqual([
      ['TypeError', undefined],
      ['handled', 'callback called with Error argument'],
    ]);
  });

  it('gives the response hook the response as posted and the error as reported', async () => {
    // Prepare
    const seen: unknown[] = [];
    const { lifecycle } = setUp({ hooks: { responseHook: (_span, info) => seen.push(info.error === undefined ? info.result : `${(info.error as Error).name}: ${(info.error as Error).message}`) } });
    begin(lifecycle, 'r-1');
    begin(lifecycle, 'r-2');

    // Act
    await lifecycle.resultPosted('r-1', { kind: 'response', body: '{"items":[1,2]}' });
    await lifecycle.resultPosted('r-2', { kind: 'error', body: '{"errorType":"TypeError","errorMessage":"bad","trace":[]}' });

    // Assess
    expect(seen).toEqual([{ items: [1, 2] }, 'TypeError: bad']);
  });

  it('lets a result the layer does not know go at once', () => {
    const { lifecycle } = setUp();

    expect(lifecycle.resultPosted('unknown', { kind: 'response', body: 'null' })).toBeUndefined();
  });

  it('never lets a result posted after the process began to exit reach Lambda, and waits for results posted before', async () => {
    // Prepare
    let releaseFlush: () => void = () => undefined;
    const flushed = new Promise<void>((resolve) => (releaseFlush = resolve));
    const { lifecycle } = setUp({ flush: () => flushed });
    begin(lifecycle, 'posted-before');
    begin(lifecycle, 'still-running');
    const held = lifecycle.resultPosted('posted-before', { kind: 'response', body: '1' });

    // Act
    const exiting = lifecycle.abortAll('process exited during the invocation');
    const late = lifecycle.resultPosted('still-running', { kind: 'response', body: '2' });
    let exited = false;
    void exiting?.then(() => (exited = true));
    await new Promise((resolve) => setImmediate(resolve));
    const exitedBeforeFlush = exited;
    releaseFlush();
    await exiting;

    // Assess
    expect(held).toBeDefined();
    expect(exitedBeforeFlush).toBe(false);
    const lateSettled = await Promise.race([late?.then(() => 'settled'), new Promise((resolve) => setTimeout(() => resolve('pending'), 20))]);
    expect(lateSettled).toBe('pending');
  });

  it('runs the function untraced, with one log line, when the runtime’s results cannot be heard', () => {
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const { lifecycle, flushes } = setUp({ resultsHeard: false });

    const first = lifecycle.begin({}, context('r-1'));
    const second = lifecycle.begin({}, context('r-2'));
    const lines = write.mock.calls.map(([line]) => String(line));
    write.mockRestore();

    expect([first, second]).toEqual([undefined, undefined]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('runs untraced');
    expect(flushes).toEqual(['r-1', 'r-2']);
  });
});
