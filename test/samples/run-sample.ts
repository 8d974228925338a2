/**
 * Runs a sample in the local Lambda as its deployment files describe it (`samples/<name>/run.sh`
 * calls this): the built layer, the events its trigger sends, local stubs for AWS and the
 * downstream services. Prints each response and the trace waterfall.
 *
 *   node_modules/node24/bin/node test/samples/run-sample.ts samples/http-api [--report FILE]
 *
 * Exits 1 when an invocation does not succeed or its spans do not arrive.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { killAllFunctions, startFunction, startOtlpReceiver, type DecodedSpan, type InvokeResult } from '../sandbox/index.ts';
import { renderTraceTree } from '../sandbox/trace-tree.ts';
import { invocationSpansOf } from '../support/config-harness.ts';
import { REPO_ROOT } from '../support/paths.ts';
import { localRuntimeOf, type DeployedFunction } from './deployed-function.ts';
import { functionFromCdk } from './from-cdk.ts';
import { functionFromDockerfile } from './from-dockerfile.ts';
import { functionFromSam } from './from-sam.ts';
import { functionFromTerraform } from './from-terraform.ts';
import { lambdaPathMapper, layOutOpt, localEnv, startStubs } from './local-lambda-setup.ts';
import { writeReport, type InvocationReport } from './report.ts';
import { readSampleConfig, type SampleConfig } from './sample-config.ts';

const SPANS_TIMEOUT_MS = 5000;

async function deployedFunctionOf(config: SampleConfig, sampleDir: string, workDir: string): Promise<DeployedFunction> {
  const deployment = config.deployment;
  if ('sam' in deployment) return functionFromSam(join(sampleDir, deployment.sam), deployment.function);
  if ('cdk' in deployment) return functionFromCdk(join(sampleDir, deployment.cdk), deployment.stack, deployment.construct);
  if ('terraform' in deployment) return functionFromTerraform(join(sampleDir, deployment.terraform), deployment.function);
  return functionFromDockerfile(sampleDir, deployment.dockerfile, deployment.functionName, join(workDir, 'image'));
}

function describeResult(result: InvokeResult): string {
  const took = (result.timings.responseAt ?? result.timings.finishedAt ?? result.timings.sentAt) - result.timings.sentAt;
  const init = result.initDurationMs === undefined ? '' : ` (cold start, init ${result.initDurationMs.toFixed(0)} ms)`;
  return `${result.status} in ${took.toFixed(1)} ms${init}`;
}

/** The attributes of one invocation's spans, one span a line: what a backend shows on a click. */
function renderAttributes(spans: readonly DecodedSpan[]): string {
  return [...spans]
    .sort((a, b) => Number(a.startTimeUnixNano - b.startTimeUnixNano))
    .map((span) => {
      const attributes = Object.entries(span.attributes).map(([key, value]) => `${key}=${JSON.stringify(value)}`);
      attributes.push(...span.links.map((link) => `link to trace ${link.traceId} span ${link.spanId}`));
      return `  ${span.name}\n${attributes.map((line) => `      ${line}`).join('\n')}`;
    })
    .join('\n');
}

function readArgs(): ReturnType<typeof parseArgs<{ allowPositionals: true; options: { report: { type: 'string' } } }>> {
  try {
    return parseArgs({ allowPositionals: true, options: { report: { type: 'string' } } });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\nusage: run-sample.ts SAMPLE_DIR [--report FILE]\n`);
    process.exit(2);
  }
}

const { values, positionals } = readArgs();
const sampleDir = resolve(positionals[0] ?? '.');
const sampleName = relative(REPO_ROOT, sampleDir) || basename(sampleDir);

// The runtime runs in its own process group: Ctrl-C must end it too.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    void killAllFunctions().finally(() => process.exit(130));
  });
}

const config = readSampleConfig(sampleDir);
const workDir = mkdtempSync(join(tmpdir(), `sample-${basename(sampleDir)}-`));
const receiver = await startOtlpReceiver();
const stubs = await startStubs(config);
let failed = false;
try {
  const fn = await deployedFunctionOf(config, sampleDir, workDir);
  const { node, ric } = localRuntimeOf(fn.runtime);
  const opt = await layOutOpt(fn, config, workDir);
  const mapPath = lambdaPathMapper(opt.dir, fn.codeDir);
  const env = localEnv(fn, config, stubs, mapPath);
  const execWrapper = env['AWS_LAMBDA_EXEC_WRAPPER'];
  delete env['AWS_LAMBDA_EXEC_WRAPPER'];
  // Spans go to this run's receiver: through the collector stand-in when the sample has the
  // collector layer (the layer then keeps its default endpoint), else straight.
  if (opt.withCollector) env['COLLECTOR_FORWARD_URL'] = receiver.url;
  else env['OTEL_EXPORTER_OTLP_ENDPOINT'] = receiver.url;

  console.log(`${sampleName}: ${fn.source}`);
  const code = fn.imageRoot === undefined ? relative(sampleDir, fn.codeDir) : `${relative(fn.imageRoot, fn.codeDir)} of the image laid out in ${fn.imageRoot}`;
  console.log(`  ${fn.runtime} (local Lambda: Node ${node}, aws-lambda-ric ${ric.slice(1)}), handler ${fn.handler}, code ${code}`);
  for (const line of opt.description) console.log(`  /opt: ${line}`);
  console.log(`  AWS_LAMBDA_EXEC_WRAPPER=${fn.env['AWS_LAMBDA_EXEC_WRAPPER'] ?? '(not set: the layer is not loaded)'}`);
  if (stubs.aws) console.log(`  AWS stand-in: ${stubs.aws.url}`);
  if (stubs.downstream) console.log(`  downstream stand-in: ${stubs.downstream.url}`);
  const missing = fn.deployTimeEnv.filter((name) => env[name] === undefined);
  if (missing.length > 0) console.log(`  known only once deployed, unset here: ${missing.join(', ')}`);
  console.log('');

  const instance = await startFunction({
    node,
    ric,
    taskRoot: fn.codeDir,
    handler: fn.handler,
    functionName: fn.name,
    layerDir: opt.dir,
    ...(execWrapper === undefined ? {} : { execWrapper }),
    env,
    ...(fn.memoryMb === undefined ? {} : { memoryMb: fn.memoryMb }),
    ...(fn.timeoutSeconds === undefined ? {} : { timeoutMs: fn.timeoutSeconds * 1000 }),
  });
  const invocations: InvocationReport[] = [];
  const results: InvokeResult[] = [];
  let extensions: string[] = [];
  try {
    for (const eventFile of config.events) {
      const result = await instance.invoke(JSON.parse(readFileSync(join(sampleDir, eventFile), 'utf8')) as unknown);
      results.push(result);
      const body = result.body?.toString('utf8');
      const logs = result.logs.filter((entry) => entry.source === 'runtime').map((entry) => entry.line);
      console.log(`${eventFile}: ${describeResult(result)}`);
      console.log(`  response ${body ?? JSON.stringify(result.error)}`);
      for (const line of logs) console.log(`  log ${line}`);
      invocations.push({ event: eventFile, requestId: result.requestId, status: result.status, ...(body === undefined ? {} : { body }), ...(result.error ? { error: { errorType: result.error.errorType, errorMessage: result.error.errorMessage } } : {}), logs });
      if (result.status !== 'success') failed = true;
    }
    extensions = instance.environment()?.api.extensions().map((extension) => extension.name) ?? [];
    if (extensions.length > 0) console.log(`extensions registered with the local Lambda: ${extensions.join(', ')}`);
  } finally {
    await instance.shutdown();
  }

  const arrived = (spans: DecodedSpan[]): boolean => results.every((result) => invocationSpansOf(spans, result.requestId).length > 0);
  const spans = await receiver.waitForSpans(arrived, SPANS_TIMEOUT_MS).catch(() => receiver.spans());
  if (!arrived(spans)) {
    failed = true;
    console.log(`\nnot every invocation's span arrived within ${SPANS_TIMEOUT_MS} ms`);
  }
  console.log(`\nthe OTLP receiver got ${spans.length} spans in ${receiver.requests.length} requests:\n`);
  console.log(renderTraceTree(spans));
  const first = results[0] === undefined ? undefined : invocationSpansOf(spans, results[0].requestId)[0];
  if (first !== undefined) {
    console.log(`the first invocation's spans and their attributes:\n`);
    console.log(renderAttributes(spans.filter((span) => span.traceId === first.traceId)));
  }
  if (values.report !== undefined) writeReport(values.report, { sample: sampleName, runtime: fn.runtime, handler: fn.handler, extensions, invocations, spans });
} finally {
  await stubs.close();
  await receiver.close();
  rmSync(workDir, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;
