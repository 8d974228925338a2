/**
 * What recording the handler's module loads for the init span costs (src/coldstart/
 * watch-module-loads.ts): fresh processes require a module tree (the AWS SDK's S3 and DynamoDB
 * clients and pg: about 1,000 files) with and without the recorder listening, alternately so
 * that machine drift falls on both; then, with it, how long turning the loads into phases takes
 * (done once, when the init span is made).
 *
 *   node_modules/node24/bin/node test/bench/module-load-cost.ts [--runs 15] [--node 22]
 *
 * Prints medians of the load's CPU time and wall-clock time per mode and of the paired
 * differences. On a machine shared with other work those figures are noisier than the cost, so
 * the cost per load is also measured in one process (perLoadMicros) and multiplied by the loads.
 */
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from '../support/paths.ts';
import { median } from './stats.ts';

const TARGETS = [
  join(REPO_ROOT, 'test/fixtures/aws-sdk-clients/node_modules/@aws-sdk/client-s3'),
  join(REPO_ROOT, 'test/fixtures/aws-sdk-clients/node_modules/@aws-sdk/client-dynamodb'),
  join(REPO_ROOT, 'test/fixtures/handlers/db-clients/node_modules/pg'),
];

interface Sample {
  readonly cpuMs: number;
  readonly wallMs: number;
  readonly stopMs: number;
  readonly phasesMs: number;
  readonly phases: number;
}

async function child(mode: string): Promise<void> {
  const { watchModuleLoads } = await import('../../src/coldstart/watch-module-loads.ts');
  const requireFrom = createRequire(join(REPO_ROOT, 'package.json'));
  const places = { taskRoot: join(REPO_ROOT, 'test/fixtures'), layerDir: join(REPO_ROOT, 'dist'), runtimeDir: undefined };
  const cpu = process.cpuUsage();
  const started = performance.now();
  const watch = mode === 'on' ? watchModuleLoads(1, 256, places) : undefined;
  for (const target of TARGETS) requireFrom(target);
  const stopAt = performance.now();
  watch?.stop();
  const stopped = performance.now();
  const used = process.cpuUsage(cpu);
  let id = 1;
  const made = watch?.phases(1, () => ++id);
  const sample: Sample = {
    cpuMs: (used.user + used.system) / 1000,
    wallMs: stopped - started,
    stopMs: stopped - stopAt,
    phasesMs: performance.now() - stopped,
    phases: made?.phases.length ?? 0,
  };
  process.stdout.write(JSON.stringify(sample));
}

const PER_BATCH = 100_000;
const BATCHES = 30;

/**
 * CPU µs per load that listening adds: Node's module loaders run each load through
 * TracingChannel#traceSync (tracePromise for import()); the same call on a channel of our own,
 * with the recorder subscribed and not, alternately. And how many loads the module tree makes.
 */
async function perLoadMicros(): Promise<{ micros: number; loads: number }> {
  const { tracingChannel } = await import('node:diagnostics_channel');
  const { recordModuleLoads } = await import('../../src/coldstart/module-load-recorder.ts');
  type Channel = import('../../src/coldstart/module-load-recorder.ts').LoadChannel;
  const channel = tracingChannel<unknown, object>('bench.module.require');
  const other = tracingChannel<unknown, object>('bench.module.import');
  const load = (): number => 1;
  const batch = (): number => {
    const cpu = process.cpuUsage();
    for (let index = 0; index < PER_BATCH; index++) channel.traceSync(load, { id: './m.js', parentFilename: '/var/task/index.js' });
    const used = process.cpuUsage(cpu);
    return (used.user + used.system) / PER_BATCH;
  };
  const differences: number[] = [];
  for (let round = 0; round < BATCHES; round++) {
    const without = batch();
    const recorder = recordModuleLoads({ thresholdMs: 1, maxLoads: 256, require: channel as unknown as Channel, import: other as unknown as Channel });
    const withIt = batch();
    recorder.stop();
    differences.push(withIt - without);
  }
  const counting = recordModuleLoads({ thresholdMs: 1, maxLoads: 256, require: tracingChannel('module.require') as unknown as Channel, import: tracingChannel('module.import') as unknown as Channel });
  const requireFrom = createRequire(join(REPO_ROOT, 'package.json'));
  for (const target of TARGETS) requireFrom(target);
  return { micros: median(differences), loads: counting.stop().seen };
}

function main(): void {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '15' }, node: { type: 'string', default: '24' }, child: { type: 'string' } } });
  if (values.child === 'per-load') {
    void perLoadMicros().then((micros) => process.stdout.write(JSON.stringify(micros)));
    return;
  }
  if (values.child !== undefined) {
    void child(values.child);
    return;
  }
  const node = join(REPO_ROOT, 'node_modules', `node${values.node}`, 'bin', 'node');
  const flags = values.node === '22' ? ['--experimental-strip-types', '--no-warnings'] : [];
  const run = (mode: string): Sample => JSON.parse(execFileSync(node, [...flags, import.meta.filename, '--child', mode], { encoding: 'utf8' })) as Sample;
  const runs = Number(values.runs);
  const on: Sample[] = [];
  const off: Sample[] = [];
  for (let index = 0; index < runs; index++) {
    off.push(run('off'));
    on.push(run('on'));
  }
  const med = (samples: readonly Sample[], key: keyof Sample): string => median(samples.map((sample) => sample[key])).toFixed(2);
  const diff = (key: 'cpuMs' | 'wallMs'): string => median(on.map((sample, index) => sample[key] - off[index]![key])).toFixed(2);
  console.log(`Node ${values.node}, ${runs} pairs of fresh processes requiring ${TARGETS.map((target) => target.split('/node_modules/')[1]).join(', ')}`);
  console.log(`  load, CPU ms:       off ${med(off, 'cpuMs')}  on ${med(on, 'cpuMs')}  on − off (median of pairs) ${diff('cpuMs')}`);
  console.log(`  load, wall ms:      off ${med(off, 'wallMs')}  on ${med(on, 'wallMs')}  on − off (median of pairs) ${diff('wallMs')}`);
  console.log(`  unsubscribe, ms:    ${med(on, 'stopMs')}`);
  console.log(`  loads → phases, ms: ${med(on, 'phasesMs')} (${med(on, 'phases')} phases of loads ≥ 1 ms)`);
  const perLoad = JSON.parse(execFileSync(node, [...flags, import.meta.filename, '--child', 'per-load'], { encoding: 'utf8' })) as { micros: number; loads: number };
  console.log(`  listening, CPU µs per load (median of ${BATCHES} paired batches of ${PER_BATCH}): ${perLoad.micros.toFixed(3)}`);
  console.log(`  loads of that module tree: ${perLoad.loads}, so listening costs ≈ ${((perLoad.micros * perLoad.loads) / 1000).toFixed(2)} ms CPU for it`);
}

main();
