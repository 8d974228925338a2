/**
 * Runs a sample the way its README says, through its own `run.sh` (local mode), and reads the
 * report it wrote: each invocation's outcome and the spans the local OTLP receiver got.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LayerSource } from '../samples/deployed-function.ts';
import { functionFromSam } from '../samples/from-sam.ts';
import type { DecodedSpan } from '../sandbox/index.ts';
import { readReport, type InvocationReport, type SampleReport } from '../samples/report.ts';
import { runScript, type ScriptRun } from './command-stand-ins.ts';
import { clientChildrenOf, invocationSpansOf } from './config-harness.ts';
import { REPO_ROOT } from './paths.ts';

export const SAMPLES_DIR = join(REPO_ROOT, 'samples');

export interface SampleRun extends ScriptRun {
  readonly report: SampleReport;
}

/** Minutes, not seconds: the first run may install the sample's packages (npm ci), and CDK synthesizes. */
export const SAMPLE_RUN_TIMEOUT_MS = 600_000;

export async function runSampleLocally(name: string): Promise<SampleRun> {
  const dir = mkdtempSync(join(tmpdir(), `sample-report-${name}-`));
  try {
    const reportFile = join(dir, 'report.json');
    // Relative to the repository, as the README and the top-level ./run.sh start it.
    const run = await runScript(join('samples', name, 'run.sh'), ['local', '--report', reportFile], process.env as Record<string, string>);
    if (run.exitCode !== 0) throw new Error(`samples/${name}/run.sh exited ${run.exitCode}\n${run.stdout}\n${run.stderr}`);
    return { ...run, report: readReport(reportFile) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface TracedInvocation {
  readonly invocation: InvocationReport;
  /** The layer's invocation span. */
  readonly span: DecodedSpan;
  /** Its direct client spans (AWS SDK calls, HTTP calls), in start order. */
  readonly clients: DecodedSpan[];
}

/** Each invocation of the report with its span and client spans, in the order the events were sent. */
export function tracedInvocations(report: SampleReport): TracedInvocation[] {
  return report.invocations.map((invocation) => {
    const spans = invocationSpansOf(report.spans, invocation.requestId);
    if (spans.length !== 1) throw new Error(`${invocation.event}: ${spans.length} invocation spans, expected 1`);
    const span = spans[0]!;
    const clients = clientChildrenOf(report.spans, span).sort((a, b) => Number(a.startTimeUnixNano - b.startTimeUnixNano));
    return { invocation, span, clients };
  });
}

/** The function's response (API Gateway and function URL shape: statusCode and a JSON body). */
export function httpResponseOf(invocation: InvocationReport): { statusCode: number; body: unknown } {
  const response = JSON.parse(invocation.body ?? 'null') as { statusCode: number; body?: string };
  return { statusCode: response.statusCode, body: response.body === undefined ? undefined : JSON.parse(response.body) };
}

/** What a SAM sample deploys, in the terms the tests check: runtime, module type, layers, exec wrapper. */
export function samFunctionFacts(sampleDir: string, logicalId: string): { runtime: string; type: string | undefined; layers: readonly LayerSource[]; wrapper: string | undefined } {
  const fn = functionFromSam(join(sampleDir, 'template.yaml'), logicalId);
  const packageJson = JSON.parse(readFileSync(join(fn.codeDir, 'package.json'), 'utf8')) as { type?: string };
  return { runtime: fn.runtime, type: packageJson.type, layers: fn.layers, wrapper: fn.env['AWS_LAMBDA_EXEC_WRAPPER'] };
}
