/**
 * What the node child processes and worker threads a function starts cost with the layer, against
 * the bare runtime: the children fixture (test/fixtures/handlers/children) starts one of each kind
 * per invoke and reports how long each took, spawn to exit. Bare and layered functions run side by
 * side in the local Lambda, invoked in turn so machine drift cancels; medians per kind.
 *
 *   node_modules/node24/bin/node test/bench/child-start.ts [--runs N] [--node 22|24] [--compare DIR]
 *
 * --compare DIR also measures another layer laid out like /opt (e.g. an earlier build's dist/opt).
 * Needs `npm run build` and the unpacked layer in dist/opt (the e2e setup makes it).
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { killAllFunctions, startFunction, type LambdaInstance } from '../sandbox/index.ts';
import { HANDLER_FIXTURES, UNPACKED_LAYER_DIR } from '../support/paths.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '15' }, node: { type: 'string', default: '24' }, compare: { type: 'string' } } });
const runs = Number(values.runs);
const node = values.node === '22' ? 22 : 24;
const ric = node === 22 ? 'v3' : 'v4';

type Timings = Record<string, number>;

async function start(layerDir: string | undefined, label: string): Promise<LambdaInstance> {
  return startFunction({
    node,
    ric,
    taskRoot: join(HANDLER_FIXTURES, 'children'),
    handler: 'index.handler',
    functionName: `child-start-${label}`,
    timeoutMs: 60_000,
    // The layer's files are in /opt for the bare function too; only the exec wrapper differs.
    layerDir: layerDir ?? UNPACKED_LAYER_DIR,
    ...(layerDir === undefined ? {} : { execWrapper: join(layerDir, 'otel-handler') }),
    env: { OTEL_TRACES_EXPORTER: 'none' },
  });
}

async function timings(fn: LambdaInstance): Promise<Timings> {
  const result = await fn.invoke({});
  if (result.status !== 'success') throw new Error(`invoke failed: ${result.error?.errorType ?? result.status} ${result.error?.errorMessage ?? ''}`);
  const { children } = JSON.parse(result.body!.toString('utf8')) as { children: Record<string, { ms: number }> };
  return Object.fromEntries(Object.entries(children).map(([kind, child]) => [kind, child.ms]));
}

const median = (samples: number[]): number => [...samples].sort((a, b) => a - b)[Math.floor((samples.length - 1) / 2)]!;

const subjects: Array<[string, string | undefined]> = [['bare', undefined], ['layer', UNPACKED_LAYER_DIR], ...(values.compare === undefined ? [] : [[values.compare, values.compare] as [string, string]])];
try {
  const functions = await Promise.all(subjects.map(([label, dir], index) => start(dir, `${index}-${label === 'bare' ? 'bare' : 'layer'}`)));
  const samples = subjects.map((): Timings[] => []);
  for (let run = 0; run < runs; run++) {
    for (const [index, fn] of functions.entries()) samples[index]!.push(await timings(fn));
  }
  await Promise.all(functions.map((fn) => fn.shutdown()));
  const kinds = Object.keys(samples[0]![0]!);
  process.stdout.write(`child start to exit, ms, median of ${runs} warm invokes, Node ${node} (ric ${ric}):\n`);
  process.stdout.write(`${'kind'.padEnd(18)}${subjects.map(([label]) => label.slice(-24).padStart(26)).join('')}\n`);
  for (const kind of kinds) {
    process.stdout.write(`${kind.padEnd(18)}${samples.map((runsOf) => median(runsOf.map((sample) => sample[kind]!)).toFixed(1).padStart(26)).join('')}\n`);
  }
} finally {
  await killAllFunctions();
}
