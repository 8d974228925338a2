/**
 * Issue 3, differential: every way a handler can answer, run without and with the layer on each
 * runtime; the runtime must receive the same thing both times and each invoke must be traced.
 */
import { join } from 'node:path';
import type { OtlpReceiver } from '../sandbox/index.ts';
import { expectFaithfulAndTraced, responseDelayMs, runDifferential, startDifferentialReceiver, type Scenario } from '../support/differential.ts';
import { RUNTIME_COMBINATIONS } from '../support/layer-function.ts';
import { HANDLER_FIXTURES } from '../support/paths.ts';

jest.setTimeout(60_000);

/** Each fixture gets a cold and two warm invokes. */
const EVENTS = [{ echo: { n: 1 } }, { echo: { n: 2, text: 'ünïcødé ✓' } }, { echo: null }];
/** The event-loop fixtures leave a 10 s timer pending; an answer within this came "at once". */
const AT_ONCE_MS = 2_000;
/** callbacks/index.waitsForTimer leaves this timer pending when it calls back. */
const PENDING_TIMER_MS = 300;
const TIMER_SLACK_MS = 20;

function fixture(dir: string, handler: string): Scenario {
  return { taskRoot: join(HANDLER_FIXTURES, dir), handler, events: EVENTS };
}

describe.each(RUNTIME_COMBINATIONS)('handler shapes on Node $node with aws-lambda-ric $ric', (runtime) => {
  let receiver: OtlpReceiver;
  const run = (scenario: Scenario, name: string): ReturnType<typeof runDifferential> =>
    runDifferential(runtime, scenario, receiver, `shapes-${name}-node${runtime.node}-${runtime.ric}`);
  const callbacksSupported = runtime.ric === 'v3';

  beforeAll(async () => {
    receiver = await startDifferentialReceiver();
  });

  afterAll(async () => {
    await receiver?.close();
  });

  it('answers an async handler identically and traces each invoke as a success (status UNSET)', async () => {
    const result = await run(fixture('async', 'index.handler'), 'async');

    expect(result.bare.map((r) => r.status)).toEqual(['success', 'success', 'success']);
    expectFaithfulAndTraced(result, receiver);
  });

  it('answers a plain function returning a promise identically and traces each invoke as a success (status UNSET)', async () => {
    const result = await run(fixture('plain-promise', 'index.handler'), 'plain-promise');

    expect(result.bare.map((r) => r.status)).toEqual(['success', 'success', 'success']);
    expectFaithfulAndTraced(result, receiver);
  });

  if (callbacksSupported) {
    it('answers callback(null, value) identically and traces each invoke as a success (status UNSET)', async () => {
      const result = await run(fixture('callbacks', 'index.success'), 'callback-success');

      expect(result.bare.map((r) => r.status)).toEqual(['success', 'success', 'success']);
      expectFaithfulAndTraced(result, receiver);
    });

    it('reports callback(error) identically and records the error on the span', async () => {
      const result = await run(fixture('callbacks', 'index.failure'), 'callback-failure');

      expect(result.bare.map((r) => r.error?.errorType)).toEqual(['CallbackFailure', 'CallbackFailure', 'CallbackFailure']);
      expectFaithfulAndTraced(result, receiver);
    });

    it('waits for the event loop to empty after callback(null, value) as the runtime does without the layer', async () => {
      const result = await run(fixture('callbacks', 'index.waitsForTimer'), 'callback-waits');

      expect(result.bare.map((r) => r.status)).toEqual(['success', 'success', 'success']);
      expectFaithfulAndTraced(result, receiver);
      for (const r of [...result.bare, ...result.traced]) expect(responseDelayMs(r)).toBeGreaterThanOrEqual(PENDING_TIMER_MS - TIMER_SLACK_MS);
    });

    it('answers a callback handler with callbackWaitsForEmptyEventLoop = false at once despite a pending timer', async () => {
      const result = await run(fixture('event-loop', 'index.callbackNoWait'), 'callback-no-wait');

      expect(result.bare.map((r) => r.status)).toEqual(['success', 'success', 'success']);
      expectFaithfulAndTraced(result, receiver);
      for (const r of [...result.bare, ...result.traced]) expect(responseDelayMs(r)).toBeLessThan(AT_ONCE_MS);
    });
  } else {
    it.each([
      ['callback(null, value)', 'callbacks', 'index.success'],
      ['callback(error)', 'callbacks', 'index.failure'],
      ['callback with a pending timer', 'callbacks', 'index.waitsForTimer'],
      ['callbackWaitsForEmptyEventLoop = false', 'event-loop', 'index.callbackNoWait'],
    ])('fails init with the same Runtime.CallbackHandlerDeprecated error for a three-argument handler (%s)', async (_label, dir, handler) => {
      const result = await run({ ...fixture(dir, handler), events: [{ echo: 1 }] }, `callback-deprecated-${dir}-${handler}`);

      expect(result.bare[0]?.status).toBe('init-error');
      expect(result.bare[0]?.error?.errorType).toBe('Runtime.CallbackHandlerDeprecated');
      expectFaithfulAndTraced(result, receiver);
    });
  }

  // On v3 these complete through the context; v4's context has no such methods, so both runs
  // must report the same TypeError.
  it.each(['succeed', 'fail', 'done'])('answers a handler that calls context.%s identically and traces the outcome', async (method) => {
    const result = await run(fixture('context-methods', `index.${method}`), `context-${method}`);

    const expectedStatus = !callbacksSupported || method === 'fail' ? 'error' : 'success';
    expect(result.bare.map((r) => r.status)).toEqual([expectedStatus, expectedStatus, expectedStatus]);
    expectFaithfulAndTraced(result, receiver);
  });

  it('answers an async handler with callbackWaitsForEmptyEventLoop = false at once despite a pending timer', async () => {
    const result = await run(fixture('event-loop', 'index.asyncNoWait'), 'async-no-wait');

    expect(result.bare.map((r) => r.status)).toEqual(['success', 'success', 'success']);
    expectFaithfulAndTraced(result, receiver);
    for (const r of [...result.bare, ...result.traced]) expect(responseDelayMs(r)).toBeLessThan(AT_ONCE_MS);
  });
});
