/**
 * Runs a sample in the local Lambda as its deployment files describe it (`samples/<name>/run.sh`
 * calls this): the built layer, the events its trigger sends, local stubs for AWS and the
 * downstream services. Prints each response and the trace waterfall.
 *
 *   node_modules/node24/bin/node test/samples/run-sample.ts samples/http-api [--report FILE]
 *
 * Exits 1 when the sample cannot be read or started, an invocation does not succeed, or its
 * spans do not arrive.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { killAllFunctions, startFunction, startOtlpReceiver, type DecodedSpan, type InvokeResult, type LambdaInstance, type OtlpReceiver } from '../sandbox/index.ts';
import { renderTraceTree } from '../sandbox/trace-tree.ts';
import { invocationSpansOf } from '../support/config-harness.ts';
import { REPO_ROOT } from '../support/paths.ts';
import { localRuntimeOf, type DeployedFunction } from './deployed-function.ts';
import { functionFromCdk } from './from-cdk.ts';
import { functionFromDockerfile } from './from-dockerfile.ts';
import { functionFromSam } from './from-sam.ts';
import { functionFromTerraform } from './from-terraform.ts';
import { lambdaPathMapper, layOutOpt, localEnv, startStubs, type LaidOutOpt, type Stubs } from './local-lambda-setup.ts';
import { writeReport, type InvocationReport } from './report.ts';
import { readSampleConfig, type SampleConfig } from './sample-config.ts';

const SPANS_TIMEOUT_MS = 5000;
const USAGE = 'usage: run-sample.ts SAMPLE_DIR [--report FILE]';

function deployedFunctionOf(config: SampleConfig, sampleDir: string, workDir: string): Promise<DeployedFunction> | DeployedFunction {
  const deployment = config.deployment;
  if ('sam' in deployment) return functionFromSam(join(sampleDir, deployment.sam), deployment.function);
  if ('cdk' in deployment) return functionFromCdk(join(sampleDir, deployment.cdk), deployment.stack, deployment.construct);
  if ('terraform' in deployment) return functionFromTerraform(join(sampleDir, deployment.terraform), deployment.function);
  return functionFromDockerfile(sampleDir, deployment.dockerfile, deployment.functionName, join(workDir, 'image'));
}

/** The local Lambda's start: the deployed variables, with the layer's OTLP export pointed at this run's receiver. */
async function startDeployed(fn: DeployedFunction, opt: LaidOutOpt, config: SampleConfig, stubs: Stubs, receiver: OtlpReceiver): Promise<LambdaInstance> {
  const { node, ric } = localRuntimeOf(fn.runtime);
  const env = localEnv(fn, config, stubs, lambdaPathMapper(opt.dir, fn.codeDir));
  const execWrapper = env['AWS_LAMBDA_EXEC_WRAPPER'];
  delete env['AWS_LAMBDA_EXEC_WRAPPER'];
  // Through the collector stand-in when the sample has the collector layer (the layer then
  // keeps its default endpoint, localhost:4318), else straight to the receiver.
  if (opt.withCollector) env['COLLECTOR_FORWARD_URL'] = receiver.url;
  else env['OTEL_EXPORTER_OTLP_ENDPOINT'] = receiver.url;
  return startFunction({
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
}

function printFunction(sampleName: string, sampleDir: string, fn: DeployedFunction, opt: LaidOutOpt, stubs: Stubs, config: SampleConfig): void {
  const { node, ric } = localRuntimeOf(fn.runtime);
  const code = fn.imageRoot === undefined ? relative(sampleDir, fn.codeDir) : `${relative(fn.imageRoot, fn.codeDir)} of the image laid out in ${fn.imageRoot}`;
  console.log(`${sampleName}: ${fn.source}`);
  console.log(`  ${fn.runtime} (local Lambda: Node ${node}, aws-lambda-ric ${ric.slice(1)}), handler ${fn.handler}, code ${code}`);
  for (const line of opt.description) console.log(`  /opt: ${line}`);
  console.log(`  AWS_LAMBDA_EXEC_WRAPPER=${fn.env['AWS_LAMBDA_EXEC_WRAPPER'] ?? '(not set: the layer is not loaded)'}`);
  if (stubs.aws) console.log(`  AWS stand-in: ${stubs.aws.url}`);
  if (stubs.downstream) console.log(`  downstream stand-in: ${stubs.downstream.url}`);
  const unset = fn.deployTimeEnv.filter((name) => config.env?.[name] === undefined && name !== 'OTEL_EXPORTER_OTLP_ENDPOINT');
  if (unset.length > 0) console.log(`  known only once deployed, unset here: ${unset.join(', ')}`);
  console.log('');
}

function describeResult(result: InvokeResult): string {
  const took = (result.timings.responseAt ?? result.timings.finishedAt ?? result.timings.sentAt) - result.timings.sentAt;
  const init = result.initDurationMs === undefined ? '' : ` (cold start, init ${result.initDurationMs.toFixed(0)} ms)`;
  return `${result.status} in ${took.toFixed(1)} ms${init}`;
}

/** Sends the events in order and prints each response with the function's own log lines. */
async function invokeEvents(instance: LambdaInstance, sampleDir: string, events: readonly string[]): Promise<Array<{ result: InvokeResult; report: InvocationReport }>> {
  const invoked: Array<{ result: InvokeResult; report: InvocationReport }> = [];
  for (const event of events) {
    const result = await instance.invoke(JSON.parse(readFileSync(join(sampleDir, event), 'utf8')) as unknown);
    const body = result.body?.toString('utf8');
    const logs = result.logs.filter((entry) => entry.source === 'runtime').map((entry) => entry.line);
    console.log(`${event}: ${describeResult(result)}`);
    console.log(`  response ${body ?? JSON.stringify(result.error)}`);
    for (const line of logs) console.log(`  log ${line}`);
    const error = result.error === undefined ? {} : { error: { errorType: result.error.errorType, errorMessage: result.error.errorMessage } };
    invoked.push({ result, report: { event, requestId: result.requestId, status: result.status, ...(body === undefined ? {} : { body }), ...error, logs } });
  }
  return invoked;
}

/** The attributes of one trace's spans, one span a block: what a backend shows on a click. */
function renderAttributes(spans: readonly DecodedSpan[]): string {
  return [...spans]
    .sort((a, b) => Number(a.startTimeUnixNano - b.startTimeUnixNano))
    .map((span) => {
      const lines = Object.entries(span.attributes).map(([key, value]) => `${key}=${JSON.stringify(value)}`);
      lines.push(...span.links.map((link) => `link to trace ${link.traceId} span ${link.spanId}`));
      return `  ${span.name}\n${lines.map((line) => `      ${line}`).join('\n')}`;
    })
    .join('\n');
}

function printTraces(spans: readonly DecodedSpan[], requests: number, firstRequestId: string | undefined): void {
  console.log(`\nthe OTLP receiver got ${spans.length} spans in ${requests} requests:\n`);
  console.log(renderTraceTree(spans));
  const first = firstRequestId === undefined ? undefined : invocationSpansOf(spans, firstRequestId)[0];
  if (first === undefined) return;
  console.log(`the first invocation's spans and their attributes:\n`);
  console.log(renderAttributes(spans.filter((span) => span.traceId === first.traceId)));
}

/** Runs the sample; true when every invocation succeeded and was traced. */
async function runSample(sampleDir: string, reportFile: string | undefined): Promise<boolean> {
  const sampleName = relative(REPO_ROOT, sampleDir) || basename(sampleDir);
  const config = readSampleConfig(sampleDir);
  const workDir = mkdtempSync(join(tmpdir(), `sample-${basename(sampleDir)}-`));
  const receiver = await startOtlpReceiver();
  const stubs = await startStubs(config);
  try {
    const fn = await deployedFunctionOf(config, sampleDir, workDir);
    const opt = await layOutOpt(fn, config, workDir);
    printFunction(sampleName, sampleDir, fn, opt, stubs, config);

    const instance = await startDeployed(fn, opt, config, stubs, receiver);
    let invoked: Awaited<ReturnType<typeof invokeEvents>>;
    let extensions: string[];
    try {
      invoked = await invokeEvents(instance, sampleDir, config.events);
      extensions = instance.environment()?.api.extensions().map((extension) => extension.name) ?? [];
      if (extensions.length > 0) console.log(`extensions registered with the local Lambda: ${extensions.join(', ')}`);
    } finally {
      await instance.shutdown();
    }

    const traced = (spans: DecodedSpan[]): boolean => invoked.every(({ result }) => invocationSpansOf(spans, result.requestId).length > 0);
    const spans = await receiver.waitForSpans(traced, SPANS_TIMEOUT_MS).catch(() => receiver.spans());
    printTraces(spans, receiver.requests.length, invoked[0]?.result.requestId);
    if (!traced(spans)) console.log(`not every invocation's span arrived within ${SPANS_TIMEOUT_MS} ms`);
    const invocations = invoked.map(({ report }) => report);
    if (reportFile !== undefined) writeReport(reportFile, { sample: sampleName, runtime: fn.runtime, handler: fn.handler, extensions, invocations, spans });
    return traced(spans) && invocations.every((invocation) => invocation.status === 'success');
  } finally {
    await stubs.close();
    await receiver.close();
    rmSync(workDir, { recursive: true, force: true });
  }
}

function readArgs(): { sampleDir: string; report: string | undefined } {
  try {
    const { values, positionals } = parseArgs({ allowPositionals: true, options: { report: { type: 'string' } } });
    return { sampleDir: resolve(positionals[0] ?? '.'), report: values.report };
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
}

// The runtime runs in its own process group: Ctrl-C must end it too.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    void killAllFunctions().finally(() => process.exit(130));
  });
}

const { sampleDir, report } = readArgs();
const succeeded = await runSample(sampleDir, report).catch((error: unknown) => {
  process.stderr.write(`run-sample: ${relative(REPO_ROOT, sampleDir)}: ${error instanceof Error ? error.message : String(error)}\n`);
  return false;
});
process.exitCode = succeeded ? 0 : 1;
