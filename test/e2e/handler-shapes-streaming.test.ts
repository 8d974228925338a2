/**
 * Issue 3, differential: response streaming handlers (`awslambda.streamifyResponse`), run
 * without and with the layer on each runtime. The same bytes must stream in the same bursts,
 * still spread over time with the layer, and the invocation span must cover the whole stream.
 */
import { join } from 'node:path';
import type { InvokeResult, OtlpReceiver } from '../sandbox/index.ts';
import { burstsOf, expectFaithfulAndTraced, runDifferential, startDifferentialReceiver, type Scenario } from '../support/differential.ts';
import { RUNTIME_COMBINATIONS } from '../support/layer-function.ts';
import { HANDLER_FIXTURES } from '../support/paths.ts';

jest.setTimeout(60_000);

const EVENTS = [{ echo: { n: 1 } }, { echo: { n: 2 } }];
/** The streaming fixtures pause this long between writes. */
const CHUNK_GAP_MS = 100;
/** Timers may fire a little early relative to another process's clock; never by this much. */
const TIMER_SLACK_MS = 20;
/** The HttpResponseStream metadata prelude is followed by 8 NUL bytes (aws-lambda-ric HttpResponseStream). */
const PRELUDE_DELIMITER = Buffer.alloc(8);

function fixture(handler: string): Scenario {
  return { taskRoot: join(HANDLER_FIXTURES, 'streaming'), handler, events: EVENTS };
}

function streamSpanMs(result: InvokeResult): number {
  const times = (result.chunks ?? []).map((chunk) => chunk.at);
  return Math.max(...times) - Math.min(...times);
}

describe.each(RUNTIME_COMBINATIONS)('streaming handlers on Node $node with aws-lambda-ric $ric', (runtime) => {
  let receiver: OtlpReceiver;
  const run = (scenario: Scenario, name: string): ReturnType<typeof runDifferential> =>
    runDifferential(runtime, scenario, receiver, `streaming-${name}-node${runtime.node}-${runtime.ric}`);

  beforeAll(async () => {
    receiver = await startDifferentialReceiver();
  });

  afterAll(async () => {
    await receiver?.close();
  });

  it('streams three chunks as they are written, the same with the layer, and traces the whole stream', async () => {
    const result = await run(fixture('index.threeChunks'), 'three-chunks');

    expect(result.bare.map((r) => [r.status, r.streamed])).toEqual([['success', true], ['success', true]]);
    expectFaithfulAndTraced(result, receiver);
    for (const traced of result.traced) {
      expect(burstsOf(traced.chunks ?? [])).toHaveLength(3);
      expect(streamSpanMs(traced)).toBeGreaterThanOrEqual(2 * CHUNK_GAP_MS - TIMER_SLACK_MS);
    }
  });

  it('streams an HttpResponseStream with its status, headers and prelude unchanged', async () => {
    const result = await run(fixture('index.httpResponse'), 'http-response');

    expect(result.bare.map((r) => [r.status, r.streamed])).toEqual([['success', true], ['success', true]]);
    expectFaithfulAndTraced(result, receiver);
    for (const traced of result.traced) {
      const body = traced.body ?? Buffer.alloc(0);
      const delimiterAt = body.indexOf(PRELUDE_DELIMITER);
      expect(JSON.parse(body.subarray(0, delimiterAt).toString('utf8'))).toMatchObject({ statusCode: 201 });
      expect(traced.contentType).toBe('application/vnd.awslambda.http-integration-response');
      expect(streamSpanMs(traced)).toBeGreaterThanOrEqual(CHUNK_GAP_MS - TIMER_SLACK_MS);
    }
  });

  it('keeps the invocation span open until a stream that outlives the handler has ended', async () => {
    const result = await run(fixture('index.endsAfterReturn'), 'ends-after-return');

    expect(result.bare.map((r) => [r.status, r.streamed])).toEqual([['success', true], ['success', true]]);
    expectFaithfulAndTraced(result, receiver);
    for (const traced of result.traced) expect(burstsOf(traced.chunks ?? [])).toHaveLength(3);
  });
});
