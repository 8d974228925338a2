/** One cold-started instance of one subject: init, the first invocation, warm invocations, memory. */
import { startFunction, type FunctionSpec, type InvokeResult, type LambdaInstance, type OtlpReceiver } from '../sandbox/index.ts';
import { rssCheckpoints, type InstanceSample, type RssCheckpoint } from './metrics.ts';
import type { Subject, Variant } from './plan.ts';
import { quantile } from './stats.ts';

const KIB_PER_MIB = 1024;

export function functionSpec(variant: Variant, subject: Subject, extraEnv: Record<string, string> = {}): FunctionSpec {
  return {
    node: variant.node,
    ric: variant.ric,
    taskRoot: variant.fn.taskRoot,
    handler: variant.fn.handler,
    functionName: `bench-${variant.fn.name}`,
    memoryMb: variant.memoryMb,
    ...(subject.layerDir !== undefined ? { layerDir: subject.layerDir } : {}),
    ...(subject.mountAtOpt === true ? { mountLayerAtOpt: true } : {}),
    ...(subject.execWrapper !== undefined ? { execWrapper: subject.execWrapper } : {}),
    env: { ...variant.fn.env, ...subject.env, ...extraEnv },
  };
}

/** Any unsuccessful invocation fails the instance (and its subject): a broken function measures nothing. */
function checked(result: InvokeResult, fn: LambdaInstance, what: string): InvokeResult {
  if (result.status === 'success' && result.timings.dispatchedAt !== undefined && result.timings.responseAt !== undefined && result.timings.finishedAt !== undefined) {
    return result;
  }
  const tail = fn.logs.slice(-20).map((line) => `  ${line.source}: ${line.line}`).join('\n');
  const error = result.error === undefined ? '' : ` (${result.error.errorType}: ${result.error.errorMessage})`;
  throw new Error(`${what}: ${result.status}${error}\n${tail}`);
}

function since(result: InvokeResult, key: 'responseAt' | 'finishedAt'): number {
  return (result.timings[key] as number) - (result.timings.dispatchedAt as number);
}

function mib(kb: number | undefined): number {
  return kb === undefined ? Number.NaN : kb / KIB_PER_MIB;
}

/**
 * Starts a fresh instance (a cold start), invokes it once plus `warm` times in sequence, and
 * shuts it down through Lambda's shutdown phase. The receiver is cleared first, so the spans it
 * holds afterwards are this instance's export.
 */
export async function measureInstance(variant: Variant, subject: Subject, warm: number, receiver: OtlpReceiver): Promise<InstanceSample> {
  receiver.clear();
  const fn = await startFunction(functionSpec(variant, subject));
  let sample: InstanceSample;
  try {
    sample = await invokeAll(fn, variant, `${variant.id} ${subject.label}`, warm);
  } finally {
    await fn.shutdown();
  }
  return { ...sample, spansExported: receiver.spans().length };
}

async function invokeAll(fn: LambdaInstance, variant: Variant, what: string, warm: number): Promise<InstanceSample> {
  const first = checked(await fn.invoke(variant.fn.event), fn, `${what}, first invocation`);
  const peakRssColdKb = fn.peakRssKb();
  const response: number[] = [];
  const finished: number[] = [];
  const checkpoints = new Set(rssCheckpoints(warm));
  const rss: RssCheckpoint[] = [];
  for (let index = 0; index < warm; index++) {
    const result = checked(await fn.invoke(variant.fn.event), fn, `${what}, warm invocation ${index + 1}`);
    response.push(since(result, 'responseAt'));
    finished.push(since(result, 'finishedAt'));
    if (checkpoints.has(index + 1)) rss.push({ invocations: index + 1, peakRssMiB: mib(fn.peakRssKb()) });
  }
  const peakRssWarmKb = fn.peakRssKb();
  return {
    initMs: first.initDurationMs ?? Number.NaN,
    firstResponseMs: since(first, 'responseAt'),
    firstFinishedMs: since(first, 'finishedAt'),
    initPlusFirstMs: (first.initDurationMs ?? Number.NaN) + since(first, 'responseAt'),
    warmResponseP50Ms: quantile(response, 0.5),
    warmResponseP90Ms: quantile(response, 0.9),
    warmResponseP99Ms: quantile(response, 0.99),
    warmFinishedP50Ms: quantile(finished, 0.5),
    warmFinishedP90Ms: quantile(finished, 0.9),
    warmFinishedP99Ms: quantile(finished, 0.99),
    peakRssColdMiB: mib(peakRssColdKb),
    peakRssWarmMiB: mib(peakRssWarmKb),
    spansExported: 0,
    rssCheckpoints: rss,
  };
}
