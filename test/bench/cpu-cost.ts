/**
 * What one setting of the layer costs in CPU time, which a loaded machine distorts far less than
 * wall-clock time: `npm run bench`'s init and latency medians move by tens of milliseconds when
 * other work shares the CPUs, too much to see a cost of a millisecond or two.
 *
 *   node_modules/node24/bin/node test/bench/cpu-cost.ts --env OTEL_LAMBDA_INIT_SPAN=false [--node 24|22]
 *     [--cold 20] [--warm 100] [--event api-gateway-http] [--log-lines 10] [--json-logs]
 *
 * Subjects, interleaved (bare, layer, variant, then layer, variant, bare, …): the bare runtime,
 * the built layer with its defaults, and the layer with the given variables. The function
 * (test/fixtures/handlers/bench-cpu) reports the process's CPU time (process.cpuUsage(), all
 * threads) when its module loaded, and per warm invocation the CPU time since the previous one
 * reached the handler. Prints medians over cold starts (init) and over every warm invocation.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startFunction, startOtlpReceiver, type FunctionSpec } from '../sandbox/index.ts';
import { HANDLER_FIXTURES, LAYER_ZIP, REPO_ROOT, UNPACKED_LAYER_DIR } from '../support/paths.ts';
import { unzipTo } from '../support/unzip.ts';
import { median, quantile } from './stats.ts';

const { values } = parseArgs({
  options: {
    env: { type: 'string', multiple: true, default: [] },
    node: { type: 'string', default: '24' },
    cold: { type: 'string', default: '20' },
    warm: { type: 'string', default: '100' },
    event: { type: 'string' },
    'log-lines': { type: 'string', default: '0' },
    'json-logs': { type: 'boolean', default: false },
  },
});
const node = values.node === '22' ? 22 : 24;
const ric = node === 24 ? 'v4' : 'v3';
const variantEnv = Object.fromEntries(values.env.map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]));
const cold = Number(values.cold);
const warm = Number(values.warm);
const payload = values.event === undefined ? {} : (JSON.parse(readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'events', `${values.event}.json`), 'utf8')) as Record<string, unknown>);
const event = { ...payload, logLines: Number(values['log-lines']) };

rmSync(UNPACKED_LAYER_DIR, { recursive: true, force: true });
await unzipTo(LAYER_ZIP, UNPACKED_LAYER_DIR);
const receiver = await startOtlpReceiver();
const layer = { layerDir: UNPACKED_LAYER_DIR, execWrapper: join(UNPACKED_LAYER_DIR, 'otel-handler') };
const subjects: Array<{ label: string; spec: Partial<FunctionSpec> }> = [
  { label: 'bare', spec: {} },
  { label: 'layer (defaults)', spec: { ...layer, env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url } } },
  { label: `layer ${values.env.join(' ')}`, spec: { ...layer, env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, ...variantEnv } } },
];
const samples = subjects.map(() => ({ initCpuMs: [] as number[], warmCpuUs: [] as number[] }));

for (let round = 0; round < cold; round++) {
  for (let offset = 0; offset < subjects.length; offset++) {
    const index = (round + offset) % subjects.length;
    const subject = subjects[index]!;
    const fn = await startFunction({
      node,
      ric,
      taskRoot: join(HANDLER_FIXTURES, 'bench-cpu'),
      handler: 'index.handler',
      functionName: 'cpu-cost',
      ...(values['json-logs'] ? { logFormat: 'JSON' as const } : {}),
      ...subject.spec,
    });
    try {
      for (let invocation = 0; invocation <= warm; invocation++) {
        const result = await fn.invoke(event);
        const body = JSON.parse(result.body?.toString('utf8') ?? '{}') as { loadCpuUs: number; sinceLastUs: number };
        if (invocation === 0) samples[index]!.initCpuMs.push(body.loadCpuUs / 1000);
        // The second invocation's figure holds the first one's end (its export); only later ones are warm.
        else if (invocation > 1) samples[index]!.warmCpuUs.push(body.sinceLastUs);
      }
    } finally {
      await fn.shutdown();
    }
  }
  process.stderr.write(`round ${round + 1}/${cold}\n`);
}
await receiver.close();

console.log(`CPU time, Node ${node} (aws-lambda-ric ${ric}), ${cold} cold starts × ${warm} warm invocations per subject, event ${values.event ?? '{}'}, ${values['log-lines']} log lines${values['json-logs'] ? ' (JSON format)' : ''}`);
console.log(`${'subject'.padEnd(48)} ${'init CPU ms (median)'.padStart(22)} ${'warm CPU µs/inv (p50)'.padStart(22)} ${'p90'.padStart(8)}`);
subjects.forEach((subject, index) => {
  const { initCpuMs, warmCpuUs } = samples[index]!;
  console.log(`${subject.label.padEnd(48)} ${median(initCpuMs).toFixed(1).padStart(22)} ${median(warmCpuUs).toFixed(0).padStart(22)} ${quantile(warmCpuUs, 0.9).toFixed(0).padStart(8)}`);
});
const [, base, variant] = samples as [unknown, { initCpuMs: number[]; warmCpuUs: number[] }, { initCpuMs: number[]; warmCpuUs: number[] }];
console.log(`variant − defaults: init ${(median(variant.initCpuMs) - median(base.initCpuMs)).toFixed(1)} ms, warm ${(median(variant.warmCpuUs) - median(base.warmCpuUs)).toFixed(0)} µs per invocation`);
