/** What a caller asks the sandbox to run, and where the pieces live on disk. */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export type NodeMajor = 22 | 24;
export type RicVersion = 'v3' | 'v4';

export interface FunctionSpec {
  node: NodeMajor;
  ric: RicVersion;
  /** The function code directory (Lambda's /var/task). */
  taskRoot: string;
  /** `_HANDLER`, e.g. `index.handler`. */
  handler: string;
  /** A directory laid out like /opt: `otel-handler`, `extensions/`, `nodejs/node_modules`, ... */
  layerDir?: string;
  /** Full path of an exec wrapper, e.g. `${layerDir}/otel-handler` (AWS_LAMBDA_EXEC_WRAPPER). */
  execWrapper?: string;
  /** Extra variables (OTEL_*, AWS_LAMBDA_MAX_CONCURRENCY, ...); they win over the defaults. */
  env?: Record<string, string>;
  functionName?: string;
  /** Default 1024. */
  memoryMb?: number;
  /** Default 3000. */
  timeoutMs?: number;
  /** Default us-east-1. */
  region?: string;
  /** Default 123456789012. */
  accountId?: string;
  /** A name for logs and reports, e.g. `node24-v4`. */
  runtimeLabel?: string;
  /** Echo runtime and extension output to this process's stderr as it arrives. */
  echoLogs?: boolean;
  /**
   * The function's logging config (LoggingConfig.LogFormat): `JSON` makes Lambda set
   * AWS_LAMBDA_LOG_FORMAT=JSON and AWS_LAMBDA_LOG_LEVEL. Default `Text`.
   */
  logFormat?: 'Text' | 'JSON';
  /** LoggingConfig.ApplicationLogLevel, with the JSON format only. Default INFO. */
  applicationLogLevel?: 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'FATAL';
  /** Bound on init (extensions registering + runtime reaching /next). Default 10000, Lambda's on-demand init limit. */
  initTimeoutMs?: number;
}

/** A spec with every default filled in. */
export type ResolvedSpec = FunctionSpec & Required<Pick<FunctionSpec, 'functionName' | 'memoryMb' | 'timeoutMs' | 'region' | 'accountId' | 'runtimeLabel' | 'initTimeoutMs'>>;

export function resolveSpec(spec: FunctionSpec): ResolvedSpec {
  return {
    ...spec,
    taskRoot: resolve(spec.taskRoot),
    functionName: spec.functionName ?? 'sandbox-function',
    memoryMb: spec.memoryMb ?? 1024,
    timeoutMs: spec.timeoutMs ?? 3000,
    region: spec.region ?? 'us-east-1',
    accountId: spec.accountId ?? '123456789012',
    runtimeLabel: spec.runtimeLabel ?? `node${spec.node}-ric-${spec.ric}`,
    initTimeoutMs: spec.initTimeoutMs ?? 10_000,
  };
}

/** The repository root, found from this file (works under Node's type stripping and under jest). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface RuntimePaths {
  /** The node binary (Lambda's /var/lang/bin/node). */
  nodeBinary: string;
  nodeBinDir: string;
  /** The runtime client's directory (Lambda's /var/runtime). */
  ricDir: string;
  /** The script node runs (Lambda's /var/runtime/index.mjs). */
  ricEntry: string;
}

export function runtimePaths(node: NodeMajor, ric: RicVersion, repoRoot: string = REPO_ROOT): RuntimePaths {
  const nodeBinDir = join(repoRoot, 'node_modules', `node${node}`, 'bin');
  const ricDir = join(repoRoot, 'node_modules', `aws-lambda-ric-${ric}`);
  return {
    nodeBinary: join(nodeBinDir, 'node'),
    nodeBinDir,
    ricDir,
    // v4 reads _HANDLER itself; v3's published bin takes the handler as argv[2].
    ricEntry: ric === 'v4' ? join(ricDir, 'index.mjs') : join(ricDir, 'bin', 'index.mjs'),
  };
}
