/**
 * The environment Lambda gives a Node.js function, with sandbox paths standing in for
 * /var/lang (node), /var/runtime (runtime client), /var/task (code) and /opt (layer).
 * Reference: "Defined runtime environment variables" in the Lambda developer guide, and the
 * managed runtime's bootstrap for NODE_PATH. Nothing is inherited from the host.
 */
import { randomBytes } from 'node:crypto';
import type { ResolvedSpec, RuntimePaths } from './function-spec.ts';
import { TELEMETRY_LOG_FD } from './telemetry-log.ts';

/** Variables the runtime process has but extensions do not (runtimes-extensions-api, "Environment variables"). */
export const RUNTIME_ONLY_VARS: readonly string[] = [
  'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME',
  'AWS_XRAY_CONTEXT_MISSING',
  'AWS_XRAY_DAEMON_ADDRESS',
  'LAMBDA_RUNTIME_DIR',
  'LAMBDA_TASK_ROOT',
  '_AWS_XRAY_DAEMON_ADDRESS',
  '_AWS_XRAY_DAEMON_PORT',
  '_HANDLER',
  // Set by the runtime's bootstrap script, so only the runtime process sees it.
  'NODE_PATH',
  '_LAMBDA_TELEMETRY_LOG_FD',
];

/** Lambda's log stream name: `2026/11/22/[$LATEST]` + 32 hex digits. */
export function logStreamName(version: string, date: Date = new Date()): string {
  const ymd = date.toISOString().slice(0, 10).replaceAll('-', '/');
  return `${ymd}/[${version}]${randomBytes(16).toString('hex')}`;
}

export function isManagedInstances(env: Record<string, string> | undefined): boolean {
  return env?.AWS_LAMBDA_MAX_CONCURRENCY !== undefined;
}

/** The runtime process's environment. `runtimeApi` is `127.0.0.1:PORT`. */
export function buildRuntimeEnv(spec: ResolvedSpec, paths: RuntimePaths, runtimeApi: string): Record<string, string> {
  const opt = spec.layerDir;
  const version = '$LATEST';
  const managed = isManagedInstances(spec.env);
  const env: Record<string, string> = {
    AWS_LAMBDA_FUNCTION_NAME: spec.functionName,
    AWS_LAMBDA_FUNCTION_VERSION: version,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(spec.memoryMb),
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${spec.functionName}`,
    AWS_LAMBDA_LOG_STREAM_NAME: logStreamName(version),
    AWS_REGION: spec.region,
    AWS_DEFAULT_REGION: spec.region,
    AWS_EXECUTION_ENV: `AWS_Lambda_nodejs${spec.node}.x`,
    AWS_LAMBDA_INITIALIZATION_TYPE: managed ? 'lambda-managed-instances' : 'on-demand',
    LAMBDA_TASK_ROOT: spec.taskRoot,
    LAMBDA_RUNTIME_DIR: paths.ricDir,
    _HANDLER: spec.handler,
    TZ: ':UTC',
    LANG: 'en_US.UTF-8',
    PATH: [paths.nodeBinDir, '/usr/local/bin', '/usr/bin', '/bin', ...(opt ? [`${opt}/bin`] : [])].join(':'),
    LD_LIBRARY_PATH: [
      `${paths.nodeBinDir}/../lib`,
      '/lib64',
      '/usr/lib64',
      paths.ricDir,
      `${paths.ricDir}/lib`,
      spec.taskRoot,
      `${spec.taskRoot}/lib`,
      ...(opt ? [`${opt}/lib`] : []),
    ].join(':'),
    // Same order as the managed runtime's bootstrap: layer (per-version first), runtime, code.
    NODE_PATH: [
      ...(opt ? [`${opt}/nodejs/node${spec.node}/node_modules`, `${opt}/nodejs/node_modules`] : []),
      `${paths.ricDir}/node_modules`,
      paths.ricDir,
      spec.taskRoot,
    ].join(':'),
    // Placeholders with the shape of role credentials; nothing here can reach AWS.
    AWS_ACCESS_KEY_ID: 'ASIASANDBOXEXAMPLE00',
    AWS_SECRET_ACCESS_KEY: 'sandbox/secret/access/key/not/real/0000000',
    AWS_SESSION_TOKEN: 'sandbox-session-token-not-real',
    AWS_XRAY_CONTEXT_MISSING: 'LOG_ERROR',
    AWS_XRAY_DAEMON_ADDRESS: '169.254.79.129:2000',
    _AWS_XRAY_DAEMON_ADDRESS: '169.254.79.129',
    _AWS_XRAY_DAEMON_PORT: '2000',
  };
  if (spec.execWrapper) env.AWS_LAMBDA_EXEC_WRAPPER = spec.execWrapper;
  // The runtime client writes console output to this fd as framed records (see telemetry-log.ts);
  // under Managed Instances it gets its log fd from a provider socket instead, which the sandbox
  // does not emulate (the client then writes to stdout).
  if (!managed) env._LAMBDA_TELEMETRY_LOG_FD = String(TELEMETRY_LOG_FD);
  // A function whose logging config says JSON gets these two; Text (the default) gets neither.
  // https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-advanced.html
  if (spec.logFormat === 'JSON') {
    env.AWS_LAMBDA_LOG_FORMAT = 'JSON';
    env.AWS_LAMBDA_LOG_LEVEL = spec.applicationLogLevel ?? 'INFO';
  }
  Object.assign(env, spec.env);
  // The one variable a caller cannot redirect: it is this sandbox's API.
  env.AWS_LAMBDA_RUNTIME_API = runtimeApi;
  return env;
}

/** An external extension's environment: the runtime's, minus the runtime-only variables. */
export function buildExtensionEnv(runtimeEnv: Record<string, string>): Record<string, string> {
  const env = { ...runtimeEnv };
  for (const name of RUNTIME_ONLY_VARS) delete env[name];
  return env;
}
