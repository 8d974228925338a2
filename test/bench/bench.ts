/**
 * Issue 7's benchmark (`npm run bench`): the built layer in the local Lambda against the bare
 * runtime, on Node 24 (aws-lambda-ric 4) and Node 22 (aws-lambda-ric 3), per flush mode, for a
 * hello-world and a realistic function. Subjects run interleaved, one cold-started instance at a
 * time and in a rotating order each round, so machine drift lands on all of them alike. The layer
 * exports to a local OTLP receiver, so export cost is included. Prints tables and writes JSON.
 * Run on Node 24 with native type stripping (test/bench/bench.mjs does that).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { canMountAtOpt, startOtlpReceiver, type OtlpReceiver } from '../sandbox/index.ts';
import { startAwsStubServer, type AwsStubServer } from '../support/aws-stub-server.ts';
import { startLocalHttpServer, type LocalHttpServer } from '../support/local-http-server.ts';
import { measureInitBreakdown, type VariantBreakdown } from './init-breakdown.ts';
import { describeCompareLayer, ensureLayerZip, unpackLayer } from './layer-files.ts';
import { measureInstance } from './measure-instance.ts';
import type { InstanceSample } from './metrics.ts';
import { USAGE, UsageError, parseOptions, type BenchOptions } from './options.ts';
import { planSubjects, planVariants, type Variant } from './plan.ts';
import { renderReport } from './report.ts';
import { judgeTargets, settingsOf, variantResults, type BenchResults, type FailureTable, type LayerSummary, type SampleTable } from './results.ts';

interface Services {
  receiver: OtlpReceiver;
  aws: AwsStubServer;
  downstream: LocalHttpServer;
}

function progress(message: string): void {
  process.stderr.write(`${message}\n`);
}

function describeFailure(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Round r runs every variant's subjects, starting at subject r mod n: bare, layer, … then
 * layer, …, bare, so neither side always runs first. A subject that fails is reported and left
 * out of later rounds; the others go on.
 */
async function runInterleaved(variants: readonly Variant[], options: BenchOptions, receiver: OtlpReceiver): Promise<{ samples: SampleTable; failures: FailureTable }> {
  const samples: SampleTable = new Map(variants.map((variant) => [variant.id, new Map(variant.subjects.map((subject) => [subject.id, [] as InstanceSample[]]))]));
  const failures: FailureTable = new Map(variants.map((variant) => [variant.id, new Map<string, string>()]));
  const startedAt = performance.now();
  for (let round = 0; round < options.cold; round++) {
    for (const variant of variants) {
      const failed = failures.get(variant.id) ?? new Map<string, string>();
      const count = variant.subjects.length;
      for (let step = 0; step < count; step++) {
        const subject = variant.subjects[(round + step) % count];
        if (subject === undefined || failed.has(subject.id)) continue;
        try {
          samples.get(variant.id)?.get(subject.id)?.push(await measureInstance(variant, subject, options.warm, receiver));
        } catch (error) {
          failed.set(subject.id, describeFailure(error));
          progress(`${variant.id} ${subject.label} FAILED, left out from now on: ${describeFailure(error).split('\n')[0] ?? ''}`);
        }
      }
    }
    progress(`round ${round + 1}/${options.cold} done (${((performance.now() - startedAt) / 1000).toFixed(0)} s)`);
  }
  return { samples, failures };
}

async function startServices(): Promise<Services> {
  return { receiver: await startOtlpReceiver(), aws: await startAwsStubServer(), downstream: await startLocalHttpServer({ inStock: true }) };
}

async function stopServices(services: Services): Promise<void> {
  await services.downstream.close();
  await services.aws.close();
  await services.receiver.close();
}

async function run(options: BenchOptions): Promise<void> {
  const startedAt = new Date();
  const loadAverageBefore = loadavg();
  const zipPath = ensureLayerZip();
  const workDir = mkdtempSync(join(tmpdir(), 'otel-lambda-bench-'));
  const removeWorkDir = (): void => rmSync(workDir, { recursive: true, force: true });
  // On Ctrl-C, exit through 'exit' handlers: the sandbox's kills every runtime it started.
  process.on('exit', removeWorkDir);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
  try {
    const layer = await unpackLayer(zipPath, workDir);
    const compareLayer = options.compareDir === undefined ? undefined : describeCompareLayer(options.compareDir, options.compareWrapper);
    // Our layer too runs from /opt where the machine allows it: where it is unpacked matters
    // (Node 22 measured 6 MiB more at first invocation from a 30-character directory than from /opt).
    options.layerAtOpt = canMountAtOpt();
    if (compareLayer !== undefined && options.compareAtOpt && !options.layerAtOpt) {
      throw new UsageError(`--compare ${compareLayer.dir}: cannot mount it at /opt here (needs root and unshare); add --compare-in-place to run it from its directory`);
    }
    const services = await startServices();
    let variants: Variant[];
    let samples: SampleTable;
    let failures: FailureTable;
    const initBreakdown: VariantBreakdown[] = [];
    try {
      const subjects = planSubjects(options, layer.dir, services.receiver.url);
      variants = planVariants(options, subjects, { otlpUrl: services.receiver.url, awsUrl: services.aws.url, downstreamUrl: services.downstream.url });
      progress(`benchmark: ${variants.length} variants × ${subjects.length} subjects × ${options.cold} cold starts × (1 + ${options.warm}) invocations`);
      ({ samples, failures } = await runInterleaved(variants, options, services.receiver));
      if (options.breakdown) {
        for (const variant of variants) initBreakdown.push(await measureInitBreakdown(variant, failures.get(variant.id)));
      }
    } finally {
      await stopServices(services);
    }
    const finishedAt = new Date();
    const resultsVariants = variantResults(variants, samples, failures, options.warm);
    const layerSummary: LayerSummary = { source: zipPath, zipBytes: layer.zipBytes, unzippedBytes: layer.unzippedBytes, fileCount: layer.fileCount };
    const results: BenchResults = {
      schemaVersion: 1,
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      durationSeconds: (finishedAt.getTime() - startedAt.getTime()) / 1000,
      machine: { platform: process.platform, release: release(), cpus: cpus().length, cpuModel: cpus()[0]?.model.trim() ?? 'unknown', loadAverageBefore, loadAverageAfter: loadavg() },
      settings: settingsOf(options),
      layer: layerSummary,
      ...(compareLayer !== undefined ? { compareLayer: { source: compareLayer.dir, unzippedBytes: compareLayer.unzippedBytes, fileCount: compareLayer.fileCount } } : {}),
      variants: resultsVariants,
      initBreakdown,
      targets: judgeTargets(resultsVariants, layerSummary, options.warm),
    };
    mkdirSync(dirname(options.jsonPath), { recursive: true });
    writeFileSync(options.jsonPath, `${JSON.stringify(results, null, 2)}\n`);
    process.stdout.write(`${renderReport(results, options.jsonPath)}\n`);
    if (resultsVariants.some((variant) => variant.subjects.some((subject) => subject.error !== undefined))) process.exitCode = 1;
  } finally {
    removeWorkDir();
  }
}

try {
  const options = parseOptions(process.argv.slice(2));
  if (options === undefined) process.stdout.write(USAGE);
  else await run(options);
} catch (error) {
  if (error instanceof UsageError) {
    process.stderr.write(`${error.message}\n\n${USAGE}`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  }
}
