/**
 * Issue 4: a failing collector never stalls a function. One test per way a collector can fail:
 * while it fails, every invocation answers as without the layer and within the flush bound; once
 * it recovers, later invocations' spans arrive; the layer says so in a few log lines, not one per
 * invocation or span.
 */
import { startFunction, startOtlpReceiver, type InvokeResult, type OtlpReceiver, type Responder } from '../sandbox/index.ts';
import { closedPort } from './closed-port.ts';
import {
  FLUSH_FIXTURE,
  bodyText,
  dispatchToResponseMs,
  invocationSpansById,
  invokeInSequence,
  layerLogLines,
  requestsCarrying,
  waitForInvocationSpans,
} from './flush-fixture.ts';
import { RUNTIME_COMBINATIONS, startWithLayer, withFunction } from './layer-function.ts';
import { sleep } from '../sandbox/with-timeout.ts';

/** OTEL_LAMBDA_FLUSH_TIMEOUT_MS for these tests. */
export const FLUSH_TIMEOUT_MS = 300;
/**
 * What an invocation may take beyond the flush bound: the handler, the runtime client and a busy
 * test machine. A bound check, not a performance test: a flush that waits for the collector
 * (2 s, 10 s, forever) is far beyond it.
 */
export const SLACK_MS = 500;
export const FAILING_INVOCATIONS = 10;
export const RECOVERED_INVOCATIONS = 5;
/** At most this many `[otel-lambda]` lines for the whole run (failure, maybe a timeout, recovery). */
export const MAX_LAYER_LOG_LINES = 3;
/** Time between invocations after the recovery, as between real requests. */
const PAUSE_AFTER_RECOVERY_MS = 50;

/** A collector that fails from the start and can be made to work again. */
export interface FailingCollector {
  /** OTEL_EXPORTER_OTLP_ENDPOINT. */
  readonly url: string;
  /** Makes it work again; returns the receiver that records what arrives from then on. */
  recover(): Promise<OtlpReceiver>;
  close(): Promise<void>;
}

export interface CollectorFailure {
  readonly name: string;
  start(): Promise<FailingCollector>;
}

/** Nothing listens on the port; recovery starts a receiver there. */
export const REFUSES_CONNECTIONS: CollectorFailure = {
  name: 'refuses connections',
  async start() {
    const port = await closedPort();
    let receiver: OtlpReceiver | undefined;
    return {
      url: `http://127.0.0.1:${port}`,
      recover: async () => (receiver = await startOtlpReceiver({ port })),
      close: async () => receiver?.close(),
    };
  },
};

/** A receiver answering with `responder` until it recovers (then as a healthy collector). */
export function answering(name: string, responder: Responder): CollectorFailure {
  return {
    name,
    async start() {
      const receiver = await startOtlpReceiver({ responder });
      return {
        url: receiver.url,
        recover: async () => {
          receiver.setResponder(undefined);
          return receiver;
        },
        close: () => receiver.close(),
      };
    },
  };
}

export const NEVER_ANSWERS = answering('accepts requests and never answers', () => ({ neverAnswer: true }));
export const ANSWERS_LATE = answering('answers after 2 s', () => ({ delayMs: 2000 }));
export const answersStatus = (status: number): CollectorFailure => answering(`answers ${status}`, () => ({ status }));

const eventOf = (index: number): unknown => ({ echo: index });

/** Defines, per supported runtime, one test per failure. */
export function describeFailingCollector(failures: readonly CollectorFailure[]): void {
  describe.each(RUNTIME_COMBINATIONS)('a failing collector on Node $node with aws-lambda-ric $ric', (runtime) => {
    const spec = { ...runtime, taskRoot: FLUSH_FIXTURE, handler: 'index.handler' };
    let bare: InvokeResult[];

    beforeAll(async () => {
      bare = await withFunction(startFunction({ ...spec, functionName: 'collector-bare' }), (fn) =>
        invokeInSequence(fn, FAILING_INVOCATIONS + RECOVERED_INVOCATIONS, eventOf),
      );
    });

    it.each(failures)('never stalls the function when the collector $name, and exports again once it recovers', async (failure) => {
      // Prepare
      const collector = await failure.start();
      try {
        const fn = await startWithLayer({
          ...spec,
          functionName: `collector-${failure.name.replaceAll(' ', '-')}`,
          env: { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_LAMBDA_FLUSH_TIMEOUT_MS: String(FLUSH_TIMEOUT_MS) },
        });
        let failing: InvokeResult[];
        let recovered: InvokeResult[];
        let receiver: OtlpReceiver;
        try {
          // Act
          failing = await invokeInSequence(fn, FAILING_INVOCATIONS, eventOf);
          receiver = await collector.recover();
          recovered = [];
          for (let index = FAILING_INVOCATIONS; index < FAILING_INVOCATIONS + RECOVERED_INVOCATIONS; index++) {
            await sleep(PAUSE_AFTER_RECOVERY_MS);
            recovered.push(await fn.invoke(eventOf(index)));
          }
          await waitForInvocationSpans(receiver, recovered, 10_000);
        } finally {
          await fn.shutdown();
        }

        // Assess: the function answers as without the layer, each invocation within the bound.
        const all = [...failing, ...recovered];
        expect(all.map((result) => ({ status: result.status, body: bodyText(result) }))).toEqual(
          bare.map((result) => ({ status: result.status, body: bodyText(result) })),
        );
        const delays = all.map(dispatchToResponseMs);
        const bareDelays = bare.map(dispatchToResponseMs);
        process.stderr.write(
          `[flush-e2e] node${runtime.node}/${runtime.ric} collector ${failure.name}: dispatch→response ms, layer max ${Math.max(...delays).toFixed(1)} ` +
            `median ${median(delays).toFixed(1)} (bare max ${Math.max(...bareDelays).toFixed(1)} median ${median(bareDelays).toFixed(1)})\n`,
        );
        expect(delays.filter((delay) => delay > FLUSH_TIMEOUT_MS + SLACK_MS)).toEqual([]);
        // A few log lines about the failure, not one per invocation or span.
        const lines = layerLogLines(fn.logs).map((line) => line.line);
        process.stderr.write(`[flush-e2e]   ${lines.length} layer log line(s)${lines.map((line) => `\n    ${line}`).join('')}\n`);
        expect(lines.length).toBeLessThanOrEqual(MAX_LAYER_LOG_LINES);
        // Once the collector works again, the sync guarantee is back: the last invocation's span
        // reached the collector before its result was posted.
        const last = recovered.at(-1)!;
        const [lastSpan] = invocationSpansById(receiver).get(last.requestId) ?? [];
        expect(requestsCarrying(receiver, lastSpan!)[0]!.receivedAt).toBeLessThan(last.timings.responseAt!);
      } finally {
        await collector.close();
      }
    });
  });
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}
