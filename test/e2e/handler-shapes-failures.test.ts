/**
 * Issue 3, differential: handlers that fail, at invocation time and at init, run without and
 * with the layer on each runtime. The runtime must report the same error type and message
 * (stack traces legitimately differ: with the layer they hold its frames), and a failed
 * invocation's span must be an ERROR carrying the exception.
 */
import { join } from 'node:path';
import type { OtlpReceiver } from '../sandbox/index.ts';
import { expectFaithfulAndTraced, runDifferential, startDifferentialReceiver, type Scenario } from '../support/differential.ts';
import { RUNTIME_COMBINATIONS } from '../support/layer-function.ts';
import { HANDLER_FIXTURES } from '../support/paths.ts';
import { expectInitFailureTraced } from '../support/init-span.ts';

jest.setTimeout(60_000);

const EVENTS = [{ echo: 1 }, { echo: 2 }];

function fixture(dir: string, handler: string, events: readonly unknown[] = EVENTS): Scenario {
  return { taskRoot: join(HANDLER_FIXTURES, dir), handler, events };
}

const INIT_FAILURES = [
  { what: 'a module that throws at top level (CommonJS)', dir: 'init-throws', handler: 'index.handler', errorType: undefined },
  { what: 'a module that throws at top level (ES module)', dir: 'init-throws', handler: 'esm.handler', errorType: undefined },
  { what: 'a missing module', dir: 'invoke-failures', handler: 'missing.handler', errorType: 'Runtime.ImportModuleError' },
  { what: 'a missing export (CommonJS)', dir: 'invoke-failures', handler: 'index.missing', errorType: 'Runtime.HandlerNotFound' },
  { what: 'a missing export (ES module)', dir: 'esm', handler: 'index.missing', errorType: 'Runtime.HandlerNotFound' },
  { what: 'an export that is not a function', dir: 'invoke-failures', handler: 'index.notAFunction.handler', errorType: 'Runtime.HandlerNotFound' },
  { what: 'a syntax error', dir: 'syntax-error', handler: 'index.handler', errorType: 'Runtime.UserCodeSyntaxError' },
];

describe.each(RUNTIME_COMBINATIONS)('failing handlers on Node $node with aws-lambda-ric $ric', (runtime) => {
  let receiver: OtlpReceiver;
  const functionName = (name: string): string => `failures-${name}-node${runtime.node}-${runtime.ric}`;
  const run = (scenario: Scenario, name: string): ReturnType<typeof runDifferential> => runDifferential(runtime, scenario, receiver, functionName(name));

  beforeAll(async () => {
    receiver = await startDifferentialReceiver();
  });

  afterAll(async () => {
    await receiver?.close();
  });

  it('reports an Error thrown synchronously identically and records it on an ERROR span', async () => {
    const result = await run(fixture('invoke-failures', 'index.throwsSync'), 'throws-sync');

    expect(result.bare.map((r) => r.error?.errorType)).toEqual(['RangeError', 'RangeError']);
    expectFaithfulAndTraced(result, receiver);
  });

  it('reports a rejection identically and records it on an ERROR span', async () => {
    const result = await run(fixture('invoke-failures', 'index.rejects'), 'rejects');

    expect(result.bare.map((r) => r.error?.errorType)).toEqual(['TypeError', 'TypeError']);
    expectFaithfulAndTraced(result, receiver);
  });

  it.each([
    { what: 'a thrown string', handler: 'index.throwsString', message: 'a string was thrown' },
    { what: 'a rejected plain object with a message', handler: 'index.rejectsWithObject', message: undefined },
    { what: 'a rejected plain object without a message', handler: 'index.rejectsWithBareObject', message: undefined },
  ])('reports $what identically and records its type and message, without a stack, on an ERROR span', async ({ handler, message }) => {
    const result = await run(fixture('invoke-failures', handler), handler.replace('index.', 'non-error-'));

    expect(result.bare.map((r) => [r.status, r.error?.stackTrace])).toEqual([['error', []], ['error', []]]);
    expectFaithfulAndTraced(result, receiver, { thrown: 'non-Error', ...(message !== undefined ? { message } : {}) });
  });

  it.each(INIT_FAILURES)(
    'fails init with the same error and exit for $what, exports no invocation span, and exports the failed init span before the runtime reports the error',
    async ({ dir, handler, errorType }) => {
      const result = await run(fixture(dir, handler, [{ echo: 1 }]), `init-${dir}-${handler}`);

      expect(result.bare[0]?.status).toBe('init-error');
      if (errorType !== undefined) expect(result.bare[0]?.error?.errorType).toBe(errorType);
      expect(result.bare[0]?.runtimeExit).toBeDefined();
      expectFaithfulAndTraced(result, receiver);
      expectInitFailureTraced(receiver, functionName(`init-${dir}-${handler}`), result.traced[0]!);
    },
  );
});
