/**
 * Issue 12, part 4: the layer touches only the runtime. A function starts node child processes
 * (spawn, exec, fork) and worker threads (default options, its own env, a shared env), once
 * without the layer and once with it: each child must see the same environment, NODE_OPTIONS
 * and exec arguments, print nothing of the layer's, and the handler's own `process.env` must be
 * the bare runtime's. Sync and deferred flushing, with and without a NODE_OPTIONS of the user's,
 * spread over the three runtimes so each runtime starts few functions. How long each child took
 * is printed for the record (not asserted: the machine is shared and noisy). One more case runs
 * on Lambda Managed Instances, where the handler runs in ric v4's own worker threads.
 */
import { join } from 'node:path';
import { startFunction, startOtlpReceiver, type InvokeResult, type LambdaInstance, type LogLine, type OtlpReceiver } from '../sandbox/index.ts';
import { LAYER_LOG_PREFIX, statusesOf } from '../support/config-harness.ts';
import { expectOneInvocationSpan } from '../support/differential.ts';
import { waitForInvocationSpans } from '../support/flush-fixture.ts';
import { RUNTIME_COMBINATIONS, startWithLayer, withFunction, type RuntimeCombination } from '../support/layer-function.ts';
import { HANDLER_FIXTURES, UNPACKED_LAYER_DIR } from '../support/paths.ts';

jest.setTimeout(120_000);

const FIXTURE = join(HANDLER_FIXTURES, 'children');
const USER_NODE_OPTIONS = '--no-deprecation --max-old-space-size=200';
/**
 * What may differ between two runs of the same function: the exec wrapper variable the user sets
 * to switch the layer on, and what Lambda gives each environment or invocation afresh.
 */
const DIFFERS_PER_RUN = ['AWS_LAMBDA_EXEC_WRAPPER', 'AWS_LAMBDA_RUNTIME_API', 'AWS_LAMBDA_LOG_STREAM_NAME', '_X_AMZN_TRACE_ID'];

interface ChildRun {
  code: number;
  report: { env: Record<string, string>; execArgv: string[]; startedAfterMs: number } | undefined;
  otherOutput: string;
  ms: number;
}
interface Answer {
  env: Record<string, string>;
  execArgv: string[];
  children: Record<string, ChildRun>;
}

interface Case {
  readonly mode: 'sync' | 'deferred' | 'background';
  readonly nodeOptions: string | undefined;
  /** Lambda Managed Instances: the handler runs in ric v4's worker threads. */
  readonly managedInstances?: true;
}

/** Each runtime runs one mode with the user's NODE_OPTIONS and the other without. */
const CASES: ReadonlyArray<RuntimeCombination & Case> = [
  ...RUNTIME_COMBINATIONS.flatMap((runtime, index): Array<RuntimeCombination & Case> => [
    { ...runtime, mode: 'sync', nodeOptions: index % 2 === 0 ? undefined : USER_NODE_OPTIONS },
    { ...runtime, mode: 'deferred', nodeOptions: index % 2 === 0 ? USER_NODE_OPTIONS : undefined },
  ]),
  { node: 24, ric: 'v4', mode: 'background', nodeOptions: USER_NODE_OPTIONS, managedInstances: true },
];

function comparable(env: Record<string, string> | undefined): Record<string, string> {
  const copy = { ...env };
  for (const name of DIFFERS_PER_RUN) delete copy[name];
  return copy;
}

function answerOf(result: InvokeResult): Answer {
  expect(result.status).toBe('success');
  return JSON.parse(result.body!.toString('utf8')) as Answer;
}

/** One invoke; `before` runs before the function shuts down (background flushing exports on a timer). */
async function runOnce(start: Promise<LambdaInstance>, before: (result: InvokeResult) => Promise<void> = () => Promise.resolve()): Promise<{ result: InvokeResult; logs: LogLine[] }> {
  return withFunction(start, async (fn) => {
    const result = await fn.invoke({});
    await before(result);
    return { result, logs: fn.logs };
  });
}

describe.each(CASES)('node children and worker threads on Node $node with aws-lambda-ric $ric, $mode flush, NODE_OPTIONS $nodeOptions', (testCase) => {
  let receiver: OtlpReceiver;
  beforeAll(async () => {
    receiver = await startOtlpReceiver();
  });
  afterAll(async () => {
    await receiver?.close();
  });

  it('see the environment, NODE_OPTIONS and output of the bare runtime, and so does the handler', async () => {
    // Prepare: the same function, layer files in place in both; only the exec wrapper differs.
    const label = `children-node${testCase.node}-${testCase.ric}-${testCase.mode}-${testCase.nodeOptions === undefined ? 'plain' : 'opts'}${testCase.managedInstances ? '-mi' : ''}`;
    const spec = {
      node: testCase.node,
      ric: testCase.ric,
      taskRoot: FIXTURE,
      handler: 'index.handler',
      functionName: label,
      timeoutMs: 60_000,
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_LAMBDA_FLUSH_MODE: testCase.mode,
        ...(testCase.nodeOptions === undefined ? {} : { NODE_OPTIONS: testCase.nodeOptions }),
        ...(testCase.managedInstances ? { AWS_LAMBDA_INITIALIZATION_TYPE: 'lambda-managed-instances', AWS_LAMBDA_MAX_CONCURRENCY: '2', AWS_LAMBDA_NODEJS_WORKER_COUNT: '1' } : {}),
      },
    };

    // Act
    const exported = (result: InvokeResult): Promise<void> => (result.status === 'success' ? waitForInvocationSpans(receiver, [result], 10_000) : Promise.resolve());
    const [bare, traced] = await Promise.all([runOnce(startFunction({ ...spec, layerDir: UNPACKED_LAYER_DIR })), runOnce(startWithLayer(spec), exported)]);

    // Assess: the handler's own environment and options.
    expect(statusesOf({ results: [traced.result], logs: traced.logs })).toEqual(['success']);
    const bareAnswer = answerOf(bare.result);
    const tracedAnswer = answerOf(traced.result);
    expect(comparable(tracedAnswer.env)).toEqual(comparable(bareAnswer.env));
    expect(tracedAnswer.env['NODE_OPTIONS']).toBe(testCase.nodeOptions);
    expect(tracedAnswer.execArgv).toEqual(bareAnswer.execArgv);
    // Each child saw what it sees without the layer, printed nothing else, and ended well.
    expect(Object.keys(tracedAnswer.children)).toEqual(Object.keys(bareAnswer.children));
    for (const [kind, child] of Object.entries(tracedAnswer.children)) {
      const bareChild = bareAnswer.children[kind]!;
      expect({ kind, code: child.code, output: child.otherOutput }).toEqual({ kind, code: 0, output: '' });
      expect({ kind, env: comparable(child.report?.env) }).toEqual({ kind, env: comparable(bareChild.report?.env) });
      expect({ kind, nodeOptions: child.report?.env['NODE_OPTIONS'], execArgv: child.report?.execArgv }).toEqual({
        kind,
        nodeOptions: bareChild.report?.env['NODE_OPTIONS'],
        execArgv: bareChild.report?.execArgv,
      });
    }
    // Nothing of the layer's in the function's output (a child that started the layer in
    // deferred mode logged a failed extension registration), and one invocation span.
    expect(traced.logs.map((entry) => entry.line).filter((line) => line.includes(LAYER_LOG_PREFIX))).toEqual([]);
    expectOneInvocationSpan(receiver, traced.result);
    // For the record: how long each child took, bare and with the layer (spawn to exit, ms).
    const figures = Object.keys(bareAnswer.children).map((kind) => `${kind} ${bareAnswer.children[kind]!.ms.toFixed(0)}/${tracedAnswer.children[kind]!.ms.toFixed(0)}`);
    process.stdout.write(`child start, bare/layer ms, ${label}: ${figures.join(', ')}\n`);
  });
});
